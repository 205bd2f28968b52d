package sim

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The real service's paths.
const (
	PathSendPlain    = "/api/v1/send_sms/plain"
	PathStatusPlain  = "/api/v1/statuses/plain"
	PathCreditsPlain = "/api/v1/credits/plain"
	PathXML          = "/api/v1/xml"
	PathJSON         = "/api/v1/json"
)

type endpoint uint8

const (
	epNone endpoint = iota
	epSendPlain
	epStatusPlain
	epCreditsPlain
	epXML
	epJSON
)

func route(path string) endpoint {
	switch path {
	case PathSendPlain:
		return epSendPlain
	case PathStatusPlain:
		return epStatusPlain
	case PathCreditsPlain:
		return epCreditsPlain
	case PathXML:
		return epXML
	case PathJSON:
		return epJSON
	}
	return epNone
}

func (e endpoint) plain() bool { return e == epSendPlain || e == epStatusPlain || e == epCreditsPlain }

const (
	ctypePlain = "text/plain; charset=utf-8"
	ctypeXML   = "text/xml; charset=utf-8"
	ctypeJSON  = "application/json; charset=utf-8"
)

// parsed is a request read from the wire, ready to run.
type parsed struct {
	kind  kind
	ctype string
	// run processes the request and gives the reply; unavailable injects
	// -10 at its place in the precedence.
	run func(now time.Time, unavailable bool) []byte
}

type fault uint8

const (
	noFault fault = iota
	fault500
	faultUnavailable
	faultDrop
	faultGarbage
)

// garbageBody is what a Garbage fault answers: no PLAIN, XML or JSON
// reply parses from it.
const garbageBody = "<html><head><title>upstream</title></head><body>\x00\xfe\xff garbage {\"message\": <package></body>"

// ServeHTTP answers the gateway's five paths; anything else is 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.st.requests.Add(1)
	ep := route(r.URL.Path)
	if ep == epNone {
		http.NotFound(w, r)
		return
	}
	switch {
	case r.Method == http.MethodPost:
	case r.Method == http.MethodGet && ep.plain():
	default:
		allow := "POST"
		if ep.plain() {
			allow = "GET, POST"
		}
		w.Header().Set("Allow", allow)
		http.Error(w, r.Method+" is not allowed here: use "+allow, http.StatusMethodNotAllowed)
		return
	}
	buf, err := readBody(w, r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body over "+strconv.Itoa(MaxBody>>20)+" MiB: send smaller packages", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
		}
		return
	}
	defer putBuf(buf)
	p, perr := s.parse(ep, r, buf.Bytes())
	if perr == nil {
		switch p.kind {
		case kindSend:
			s.st.sendRequests.Add(1)
		case kindStatus:
			s.st.statusRequests.Add(1)
		case kindCredits:
			s.st.creditsRequests.Add(1)
		case kindSendStatus:
			s.st.sendRequests.Add(1)
			s.st.statusRequests.Add(1)
		}
	}
	f, latency := s.drawFault()
	if d := latency; d > 0 {
		s.st.faultLatency.Add(1)
		if !sleep(r.Context(), d) {
			s.st.faultCancelled.Add(1)
			return
		}
	}
	if f == fault500 {
		s.st.fault500.Add(1)
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	status, ctype := http.StatusOK, p.ctype
	var reply []byte
	if perr != nil {
		status, ctype, reply = http.StatusBadRequest, ctypePlain, []byte(perr.Error()+"\n")
	} else {
		reply = p.run(s.o.Now(), f == faultUnavailable)
	}
	switch f {
	case faultDrop:
		s.st.faultDrop.Add(1)
		drop(w)
		return
	case faultGarbage:
		s.st.faultGarbage.Add(1)
		status, ctype, reply = http.StatusOK, "text/html", []byte(garbageBody)
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(reply)))
	w.WriteHeader(status)
	w.Write(reply)
}

// drawFault decides this request's fault with the seeded generator, and
// its added latency.
func (s *Server) drawFault() (fault, time.Duration) {
	s.rngMu.Lock()
	f := s.o.Faults
	x := s.rng.Float64()
	s.rngMu.Unlock()
	return f.pick(x), f.Latency
}

// SetFaults changes the faults injected from the next request on (a test
// sends cleanly, then tracks under faults).
func (s *Server) SetFaults(f Faults) {
	s.rngMu.Lock()
	s.o.Faults = f
	s.rngMu.Unlock()
}

// pick maps a uniform draw in [0,1) to a fault by the configured shares.
func (f *Faults) pick(x float64) fault {
	if !f.any() {
		return noFault
	}
	switch {
	case x < f.HTTP500:
		return fault500
	case x < f.HTTP500+f.Unavailable:
		return faultUnavailable
	case x < f.HTTP500+f.Unavailable+f.Drop:
		return faultDrop
	case x < f.HTTP500+f.Unavailable+f.Drop+f.Garbage:
		return faultGarbage
	}
	return noFault
}

// sleep waits d unless ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// drop closes the connection without a reply: the client cannot know
// what became of its request.
func drop(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // HTTP/2 or a recorder: abort the response
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads the whole body, at most MaxBody bytes.
func readBody(w http.ResponseWriter, r *http.Request) (*bytes.Buffer, error) {
	if r.ContentLength > MaxBody {
		return nil, &http.MaxBytesError{Limit: MaxBody}
	}
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	if r.ContentLength > 0 {
		b.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	if _, err := b.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBody)); err != nil {
		putBuf(b)
		return nil, err
	}
	return b, nil
}

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 8<<20 {
		bufPool.Put(b)
	}
}

// parse reads a request of the endpoint. Nothing it returns aliases body.
func (s *Server) parse(ep endpoint, r *http.Request, body []byte) (parsed, error) {
	switch ep {
	case epXML:
		return s.parseXML(r.Header.Get("Content-Type"), body)
	case epJSON:
		return s.parseJSON(r.Header.Get("Content-Type"), body)
	}
	v := plainValues(r, body)
	switch ep {
	case epSendPlain:
		return s.plainSend(v), nil
	case epStatusPlain:
		return s.plainStatus(v), nil
	}
	return s.plainCredits(v), nil
}

// plainValues gathers PLAIN parameters: the body's form (urlencoded, or
// multipart as PHP's curl sends an array) first, then the query.
func plainValues(r *http.Request, body []byte) url.Values {
	v := url.Values{}
	if len(body) > 0 {
		eachFormValue(r.Header.Get("Content-Type"), body, func(key string, value []byte) bool {
			v.Add(key, string(value))
			return false
		})
	}
	q, _ := url.ParseQuery(r.URL.RawQuery)
	for k, vs := range q {
		v[k] = append(v[k], vs...)
	}
	return v
}

// eachFormValue calls fn with each field of a form body in order, until fn
// returns true. A multipart body is read by its boundary; anything else as
// urlencoded, where a piece without "=" is passed as a value with no key.
func eachFormValue(ctype string, body []byte, fn func(key string, value []byte) bool) {
	if mt, params, err := mime.ParseMediaType(ctype); err == nil && strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" {
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for range 10000 {
			part, err := mr.NextPart()
			if err != nil {
				return
			}
			value, err := io.ReadAll(part)
			if err != nil {
				return
			}
			if fn(part.FormName(), value) {
				return
			}
		}
		return
	}
	rest := string(body)
	for rest != "" {
		var piece string
		piece, rest, _ = strings.Cut(rest, "&")
		if piece == "" {
			continue
		}
		key, value, hasEq := strings.Cut(piece, "=")
		if !hasEq {
			key, value = "", piece
		}
		k, err1 := url.QueryUnescape(key)
		val, err2 := url.QueryUnescape(value)
		if err1 != nil || err2 != nil {
			continue
		}
		if fn(k, []byte(val)) {
			return
		}
	}
}

// stripBOM drops a UTF-8 byte order mark.
func stripBOM(b []byte) []byte { return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) }

// document parses a raw XML or JSON body; failing that, the first field of
// the body read as a form that parses.
func document[T any](ctype string, body []byte, parse func([]byte) (T, error)) (T, error) {
	doc, err := parse(stripBOM(body))
	if err == nil {
		return doc, nil
	}
	var found bool
	eachFormValue(ctype, body, func(_ string, value []byte) bool {
		if d, e := parse(stripBOM(value)); e == nil {
			doc, found = d, true
		}
		return found
	})
	if found {
		return doc, nil
	}
	return doc, err
}
