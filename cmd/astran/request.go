package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/astran-oss/astran-go/policy"
)

// The REQUEST.json format of "policy simulate" (and of the "request" of a
// CASES.jsonl line):
//
//	{"principal":"arn:…","action":"s3:GetObject","resource":"arn:…",
//	 "resourceAccount":"…",
//	 "context":{"aws:SourceIp":"203.0.113.5","aws:TagKeys":["team","env"]}}
//
// action and resource are required; principal, resourceAccount and context
// are optional. The principal is an ARN or "anonymous" (an unsigned
// request, which needs resourceAccount); resourceAccount is the account
// that owns the resource (default: the account in the resource ARN, else the
// principal's) and must not contradict the resource ARN. A context value is
// a string or an array of strings; an empty array is a key that is present
// with no values. Unknown fields, duplicate keys (context keys compare
// case-insensitively, as condition keys do) and values of the wrong type are
// errors. The context is used exactly as given.

// anonymous is the principal of an unsigned request.
const anonymous = "anonymous"

// inputError is a problem found at a byte offset of a JSON input (a
// REQUEST.json file, a CASES.jsonl line).
type inputError struct {
	Offset int // byte offset in the input
	Err    error
}

func (e *inputError) Error() string { return e.Err.Error() }
func (e *inputError) Unwrap() error { return e.Err }

// at gives err the offset off, unless it already has one.
func at(off int, err error) error {
	var ie *inputError
	if err == nil || errors.As(err, &ie) {
		return err
	}
	return &inputError{Offset: off, Err: err}
}

// errUnknownField marks an unknown object key: decodeObject positions the
// error at the key rather than at its value.
var errUnknownField = errors.New("unknown field")

func unknownField(key, want string) error {
	return fmt.Errorf("%w %q (want %s)", errUnknownField, key, want)
}

// position returns the 1-based line and column (in characters) of byte
// offset off in data.
func position(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	line = 1 + bytes.Count(before, []byte("\n"))
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, 1 + utf8.RuneCount(before)
}

// jsonInput decodes a JSON input token by token, knowing where each token
// starts.
type jsonInput struct {
	dec  *json.Decoder
	data []byte
}

func newJSONInput(data []byte) *jsonInput {
	return &jsonInput{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
}

// next returns the offset where the next token starts (after whitespace
// and separators).
func (in *jsonInput) next() int {
	i := int(in.dec.InputOffset())
	for i < len(in.data) {
		switch in.data[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
			continue
		}
		break
	}
	return i
}

// token reads the next token; errors carry their offset.
func (in *jsonInput) token() (json.Token, error) {
	tok, err := in.dec.Token()
	if err != nil {
		return nil, in.jsonError(err)
	}
	return tok, nil
}

// raw reads the next value as raw JSON, returning it with its offset.
func (in *jsonInput) raw() (json.RawMessage, int, error) {
	off := in.next()
	var m json.RawMessage
	if err := in.dec.Decode(&m); err != nil {
		return nil, off, in.jsonError(err)
	}
	return m, off, nil
}

// jsonError describes a JSON syntax error at its offset.
func (in *jsonInput) jsonError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &inputError{Offset: int(se.Offset), Err: fmt.Errorf("invalid JSON: %w", err)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &inputError{Offset: len(in.data), Err: fmt.Errorf("invalid JSON: unexpected end of input: %w", io.ErrUnexpectedEOF)}
	}
	return at(in.next(), fmt.Errorf("invalid JSON: %w", err))
}

// parseRequest parses one REQUEST.json document. Errors are *inputError.
func parseRequest(data []byte) (policy.Request, error) {
	in := newJSONInput(data)
	req, err := decodeRequest(in)
	if err != nil {
		return policy.Request{}, err
	}
	if err := in.expectEOF(); err != nil {
		return policy.Request{}, err
	}
	return req, nil
}

// decodeRequest decodes a request object.
func decodeRequest(in *jsonInput) (policy.Request, error) {
	var req policy.Request
	var hasAction, hasResource bool
	start, accountOff := in.next(), 0
	err := in.object("request", func(key string) error {
		var err error
		switch key {
		case "principal":
			req.Principal, err = in.str(key)
		case "resourceAccount":
			accountOff = in.next()
			req.ResourceAccount, err = in.str(key)
		case "action":
			req.Action, err = in.str(key)
			hasAction = true
		case "resource":
			req.Resource, err = in.str(key)
			hasResource = true
		case "context":
			err = in.context(&req.Context)
		default:
			return unknownField(key, "principal, action, resource, resourceAccount, context")
		}
		return err
	})
	if err != nil {
		return policy.Request{}, err
	}
	switch {
	case !hasAction || req.Action == "":
		return policy.Request{}, at(start, errors.New(`request: "action" is required`))
	case !hasResource || req.Resource == "":
		return policy.Request{}, at(start, errors.New(`request: "resource" is required`))
	}
	if err := checkAccount(&req); err != nil {
		if req.ResourceAccount != "" {
			return policy.Request{}, at(accountOff, err)
		}
		return policy.Request{}, at(start, err)
	}
	return req, nil
}

// checkAccount checks the request's resource account: an anonymous
// request needs one, and it must not contradict the resource ARN's.
func checkAccount(req *policy.Request) error {
	if req.Principal == anonymous && req.ResourceAccount == "" {
		return errors.New(`request: an "anonymous" request needs "resourceAccount", the account that owns the resource`)
	}
	if req.ResourceAccount == "" {
		return nil
	}
	// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE
	if parts := strings.SplitN(req.Resource, ":", 6); len(parts) == 6 && parts[0] == "arn" && parts[4] != "" && parts[4] != req.ResourceAccount {
		return fmt.Errorf(`request: "resourceAccount" %q contradicts the account %q of the resource %q`, req.ResourceAccount, parts[4], req.Resource)
	}
	return nil
}

func (in *jsonInput) context(c *policy.Context) error {
	seen := map[string]string{}
	return in.object("context", func(key string) error {
		if prev, ok := seen[strings.ToLower(key)]; ok {
			return fmt.Errorf("context: key %q given twice (as %q; condition keys are case-insensitive)", key, prev)
		}
		seen[strings.ToLower(key)] = key
		tok, err := in.token()
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case string:
			c.Set(key, v)
			return nil
		case json.Delim:
			if v == '[' {
				values := []string{}
				for in.dec.More() {
					off := in.next()
					tok, err := in.token()
					if err != nil {
						return err
					}
					s, ok := tok.(string)
					if !ok {
						return at(off, fmt.Errorf("context: %q: array elements must be strings", key))
					}
					values = append(values, s)
				}
				if _, err := in.token(); err != nil { // ']'
					return err
				}
				c.Set(key, values...)
				return nil
			}
		}
		return fmt.Errorf("context: %q: value must be a string or an array of strings", key)
	})
}

// object reads a JSON object, calling field for each key with the decoder
// at the value, which field must consume. Duplicate keys are an error.
// Errors are positioned at the value, or at the key for unknown and
// duplicate fields.
func (in *jsonInput) object(what string, field func(key string) error) error {
	start := in.next()
	tok, err := in.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return at(start, fmt.Errorf("%s: want a JSON object", what))
	}
	seen := map[string]bool{}
	for in.dec.More() {
		keyOff := in.next()
		tok, err := in.token()
		if err != nil {
			return err
		}
		key := tok.(string) // object keys are always strings
		if seen[key] {
			return at(keyOff, fmt.Errorf("%s: field %q given twice", what, key))
		}
		seen[key] = true
		valueOff := in.next()
		if err := field(key); err != nil {
			if errors.Is(err, errUnknownField) {
				return at(keyOff, err)
			}
			return at(valueOff, err)
		}
	}
	if _, err := in.token(); err != nil { // '}'
		return err
	}
	return nil
}

// str reads a string value.
func (in *jsonInput) str(key string) (string, error) {
	off := in.next()
	tok, err := in.token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", at(off, fmt.Errorf("%q must be a string", key))
	}
	return s, nil
}

// expectEOF reports trailing data after a document.
func (in *jsonInput) expectEOF() error {
	off := in.next()
	if _, err := in.dec.Token(); err != io.EOF {
		if err != nil {
			return in.jsonError(err)
		}
		return at(off, errors.New("unexpected data after the JSON object"))
	}
	return nil
}
