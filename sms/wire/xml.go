package wire

import (
	"encoding/xml"
	"errors"
)

// XMLPackage is every XML API document: a send, a status query, and their
// replies. ValidityPeriod is in seconds on this API.
type XMLPackage struct {
	XMLName  xml.Name    `xml:"package"`
	Login    string      `xml:"login,attr,omitempty"`
	Password string      `xml:"password,attr,omitempty"`
	Token    string      `xml:"requestAuthToken,attr,omitempty"`
	DateSend string      `xml:"date_send,attr,omitempty"`
	Message  *XMLMsgs    `xml:"message"`
	Status   *XMLMsgs    `xml:"status"`
	Error    *XMLErrCode `xml:"error"`
}

// XMLMsgs is the <message> or <status> element.
type XMLMsgs struct {
	Default *XMLMsg  `xml:"default"`
	Msg     []XMLMsg `xml:"msg"`
}

// XMLMsg is a <msg> (or <default>) element. In requests the text is the
// message; in send replies it is an error code; in status replies the
// status word.
type XMLMsg struct {
	Recipient      string `xml:"recipient,attr,omitempty"`
	Sender         string `xml:"sender,attr,omitempty"`
	ValidityPeriod string `xml:"validity_period,attr,omitempty"`
	ID             string `xml:"sms_id,attr,omitempty"`
	Count          string `xml:"sms_count,attr,omitempty"`
	Text           string `xml:",chardata"`
}

// XMLErrCode is a whole-package <error>-2</error>.
type XMLErrCode struct {
	Code string `xml:",chardata"`
}

const xmlHeader = `<?xml version="1.0" encoding="utf-8" ?>` + "\n"

// EncodeXML writes a package with the XML declaration the gateway shows.
// encoding/xml escapes <, &, quotes and control characters and keeps
// Cyrillic as UTF-8.
func EncodeXML(p *XMLPackage) ([]byte, error) {
	b, err := xml.Marshal(p)
	if err != nil {
		return nil, err
	}
	return append([]byte(xmlHeader), b...), nil
}

// ParseXML decodes an XML API document. Unknown elements and attributes
// are ignored; a document that is not a <package> is an error.
func ParseXML(body []byte) (*XMLPackage, error) {
	var p XMLPackage
	if err := xml.Unmarshal(body, &p); err != nil {
		return nil, errors.New("not an XML API package: " + err.Error())
	}
	return &p, nil
}
