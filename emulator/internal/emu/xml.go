package emu

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

// xw writes XML by hand; values are escaped.
type xw struct{ b strings.Builder }

func (w *xw) open(name string)  { w.b.WriteString("<" + name + ">") }
func (w *xw) close(name string) { w.b.WriteString("</" + name + ">") }

func (w *xw) elem(name, value string) {
	w.open(name)
	_ = xml.EscapeText(&w.b, []byte(value))
	w.close(name)
}

func (w *xw) opt(name, value string) {
	if value != "" {
		w.elem(name, value)
	}
}

// time writes an IAM timestamp the way Astran's IAM does (Python's
// isoformat, as the tutorial's CLI output shows: 2025-03-27T08:43:40.813640+00:00).
func (w *xw) time(name string, t time.Time) {
	w.elem(name, t.UTC().Format("2006-01-02T15:04:05.000000-07:00"))
}

// zulu writes an STS timestamp (2025-03-27T10:27:32Z).
func (w *xw) zulu(name string, t time.Time) { w.elem(name, t.UTC().Format("2006-01-02T15:04:05Z")) }

// s3time writes an S3 timestamp (2025-03-27T10:27:32.000Z).
func (w *xw) s3time(name string, t time.Time) {
	w.elem(name, t.UTC().Format("2006-01-02T15:04:05.000Z"))
}

func (w *xw) bool(name string, v bool) {
	if v {
		w.elem(name, "true")
	} else {
		w.elem(name, "false")
	}
}

func (w *xw) tags(name string, tags []Tag) {
	w.open(name)
	for _, t := range tags {
		w.open("member")
		w.elem("Key", t.Key)
		w.elem("Value", t.Value)
		w.close("member")
	}
	w.close(name)
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// queryError writes an AWS Query ErrorResponse.
func queryError(w http.ResponseWriter, ns string, e *APIError, reqID string) {
	var x xw
	if ns != "" {
		x.b.WriteString(`<ErrorResponse xmlns="` + ns + `">`)
	} else {
		x.open("ErrorResponse")
	}
	x.open("Error")
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	x.elem("Type", typ)
	x.elem("Code", e.Code)
	x.elem("Message", e.Message)
	x.close("Error")
	x.elem("RequestId", reqID)
	x.close("ErrorResponse")
	writeXML(w, e.Status, x.b.String())
}
