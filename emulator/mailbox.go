package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Message is a verification email the emulator "sent" when a user was
// created through IAM.
type Message struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Link    string    `json:"link"` // GET shows a form; POST password=… completes it
	Sent    time.Time `json:"sent"`
}

// Mailbox records the verification messages of new users. It is safe for
// concurrent use.
type Mailbox struct{ s *Server }

// Messages returns every message sent so far, oldest first.
func (m *Mailbox) Messages() []Message {
	mails := m.s.services.Mailbox()
	out := make([]Message, len(mails))
	for i, ml := range mails {
		out[i] = Message{To: ml.To, Subject: ml.Subject, Link: ml.Link, Sent: ml.Sent}
	}
	return out
}

// Last returns the newest message sent to email.
func (m *Mailbox) Last(email string) (Message, bool) {
	msgs := m.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.EqualFold(msgs[i].To, email) {
			return msgs[i], true
		}
	}
	return Message{}, false
}

// ErrInvalidLink reports a verification link that is unknown or used.
var ErrInvalidLink = errors.New("unknown or used verification link")

// Verify completes a verification link as the user would in a browser:
// the account's email is verified and its password set. A link works once.
func (m *Mailbox) Verify(link, password string) error {
	u, err := url.Parse(link)
	if err != nil || u.Query().Get("key") == "" {
		return fmt.Errorf("emulator: verifying email: %w", ErrInvalidLink)
	}
	if password == "" {
		return errors.New("emulator: verifying email: empty password")
	}
	if err := m.s.services.Verify(u.Query().Get("key"), password); err != nil {
		return fmt.Errorf("emulator: verifying email: %w", ErrInvalidLink)
	}
	return nil
}

// VerifyUser completes the newest verification link sent to email.
func (m *Mailbox) VerifyUser(email, password string) error {
	msg, ok := m.Last(email)
	if !ok {
		return fmt.Errorf("emulator: verifying %q: no message: %w", email, ErrInvalidLink)
	}
	return m.Verify(msg.Link, password)
}

// oidcHandler serves the realms plus the admin endpoints:
//
//	GET  /emulator/mailbox                              JSON list of messages
//	GET  /auth/realms/{p}/login-actions/action-token?key= HTML form
//	POST /auth/realms/{p}/login-actions/action-token?key= password=… sets it
func (s *Server) oidcHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/auth/realms/", s.provider.Handler("/auth/realms/"))
	mux.HandleFunc("/auth/realms/"+s.opts.Partition+"/login-actions/action-token", func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Query().Get("key")
		switch r.Method {
		case http.MethodGet:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, `<!doctype html><title>Update password</title><form method="post" action="?key=%s">`+
				`<label>Password <input type="password" name="password"></label><button>Submit</button></form>`, html.EscapeString(url.QueryEscape(key)))
		case http.MethodPost:
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err != nil {
				http.Error(w, "bad form", http.StatusBadRequest)
				return
			}
			if err := s.services.Verify(key, r.PostForm.Get("password")); err != nil {
				http.Error(w, "The link is invalid or has expired.", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("Your account has been updated.\n"))
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
	mux.HandleFunc("/emulator/mailbox", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s.mailbox.Messages())
	})
	return mux
}
