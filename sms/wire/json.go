package wire

import (
	"encoding/json"
	"errors"
)

// JSON commands.
const (
	CommandSend     = "sms_send"
	CommandStatuses = "statuses"
)

// JSONRequest is a JSON API request body: a send or a status query.
type JSONRequest struct {
	Login    string       `json:"login"`
	Password string       `json:"password"`
	Token    string       `json:"requestAuthToken,omitempty"`
	Command  string       `json:"command"`
	DateSend string       `json:"date_send,omitempty"`
	Message  *JSONMessage `json:"message,omitempty"`
	Status   *JSONIDs     `json:"status,omitempty"`
}

// JSONMessage is the "message" object of a send.
type JSONMessage struct {
	Default *JSONMsg  `json:"default,omitempty"`
	Msg     []JSONMsg `json:"msg"`
}

// JSONMsg is one message, or the defaults for all of them.
// ValidityPeriod is in hours.
type JSONMsg struct {
	Recipient      Str    `json:"recipient,omitempty"`
	Sender         string `json:"sender,omitempty"`
	ValidityPeriod Int    `json:"validity_period,omitempty"`
	Text           string `json:"sms_text,omitempty"`
}

// JSONIDs is the "status" object of a status query.
type JSONIDs struct {
	Msg []JSONID `json:"msg"`
}

// JSONID names one message by the gateway's id, written as a string as in
// the documentation's example; a number is read too.
type JSONID struct {
	ID Str `json:"sms_id"`
}

// JSONReply decodes every reply of the JSON API: a whole-request error,
// send results, or statuses. Fields it does not know are ignored.
type JSONReply struct {
	Error   *Int          `json:"error,omitempty"`
	Message *JSONResults  `json:"message,omitempty"`
	Status  *JSONStatuses `json:"status,omitempty"`
}

// JSONResults lists send results in request order.
type JSONResults struct {
	Msg []JSONResult `json:"msg"`
}

// JSONResult is one send result; ErrorCode 0 means accepted.
type JSONResult struct {
	ID        Int `json:"sms_id"`
	Count     Int `json:"sms_count"`
	ErrorCode Int `json:"error_code"`
}

// JSONStatuses lists status reports.
type JSONStatuses struct {
	Msg []JSONStatus `json:"msg"`
}

// JSONStatus is one status report. The documentation names the word
// "sms_status" in its example and "status" in its text: both are read.
type JSONStatus struct {
	ID Str `json:"sms_id"` // text: one odd id must not spoil the rest

	Count     Int `json:"sms_count"`
	SMSStatus Str `json:"sms_status,omitempty"`
	Status    Str `json:"status,omitempty"`
	ErrorCode Int `json:"error_code,omitempty"`
}

// Word gives the status word, whichever field carried it.
func (s JSONStatus) Word() string {
	if s.SMSStatus != "" {
		return string(s.SMSStatus)
	}
	return string(s.Status)
}

// ParseJSONReply decodes a JSON API reply. An empty body or one that is
// none of the three shapes is an error.
func ParseJSONReply(body []byte) (*JSONReply, error) {
	var r JSONReply
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, errors.New("not a JSON API reply: " + err.Error())
	}
	if r.Error == nil && r.Message == nil && r.Status == nil {
		return nil, errors.New("JSON reply has none of error, message, status")
	}
	return &r, nil
}
