// Package sms holds the domain words of smsdash: messages and their results,
// gateway statuses and result codes, phone numbers, sender names, message
// length and scheduling in Minsk time. It knows nothing of any wire format or
// of drawing; the transports (sms/httpapi, sms/smpp) and the UI build on it.
package sms
