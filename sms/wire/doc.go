// Package wire holds the gateway's three HTTP wire formats (PLAIN, XML and
// JSON, SPEC 1.1-1.3) as Go types with their encoders and lenient parsers.
// Both the client (sms/httpapi) and the simulator (sms/sim) speak through
// it; the golden tests hold it to the gateway's documented samples, so the
// two cannot drift into a private dialect.
package wire
