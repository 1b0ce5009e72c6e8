package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/astran-oss/astran-go/policy"
)

// The REQUEST.json format of "policy simulate" (and of the "request" of a
// CASES.jsonl line):
//
//	{"principal":"arn:…","action":"s3:GetObject","resource":"arn:…",
//	 "context":{"aws:SourceIp":"203.0.113.5","aws:TagKeys":["team","env"]}}
//
// action and resource are required; principal and context are optional. A
// context value is a string or an array of strings; an empty array is a key
// that is present with no values. Unknown fields, duplicate keys (context
// keys compare case-insensitively, as condition keys do) and values of the
// wrong type are errors. The context is used exactly as given.

// parseRequest parses one REQUEST.json document.
func parseRequest(data []byte) (policy.Request, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	req, err := decodeRequest(dec)
	if err != nil {
		return policy.Request{}, err
	}
	if err := expectEOF(dec); err != nil {
		return policy.Request{}, err
	}
	return req, nil
}

// decodeRequest decodes a request object from dec.
func decodeRequest(dec *json.Decoder) (policy.Request, error) {
	var req policy.Request
	var hasAction, hasResource bool
	err := decodeObject(dec, "request", func(key string) error {
		var err error
		switch key {
		case "principal":
			req.Principal, err = decodeString(dec, key)
		case "action":
			req.Action, err = decodeString(dec, key)
			hasAction = true
		case "resource":
			req.Resource, err = decodeString(dec, key)
			hasResource = true
		case "context":
			err = decodeContext(dec, &req.Context)
		default:
			return fmt.Errorf("unknown field %q (want principal, action, resource, context)", key)
		}
		return err
	})
	if err != nil {
		return policy.Request{}, err
	}
	switch {
	case !hasAction || req.Action == "":
		return policy.Request{}, errors.New(`request: "action" is required`)
	case !hasResource || req.Resource == "":
		return policy.Request{}, errors.New(`request: "resource" is required`)
	}
	return req, nil
}

func decodeContext(dec *json.Decoder, c *policy.Context) error {
	seen := map[string]string{}
	return decodeObject(dec, "context", func(key string) error {
		if prev, ok := seen[strings.ToLower(key)]; ok {
			return fmt.Errorf("context: key %q given twice (as %q; condition keys are case-insensitive)", key, prev)
		}
		seen[strings.ToLower(key)] = key
		tok, err := dec.Token()
		if err != nil {
			return jsonError(err)
		}
		switch v := tok.(type) {
		case string:
			c.Set(key, v)
			return nil
		case json.Delim:
			if v == '[' {
				values := []string{}
				for dec.More() {
					tok, err := dec.Token()
					if err != nil {
						return jsonError(err)
					}
					s, ok := tok.(string)
					if !ok {
						return fmt.Errorf("context: %q: array elements must be strings", key)
					}
					values = append(values, s)
				}
				if _, err := dec.Token(); err != nil { // ']'
					return jsonError(err)
				}
				c.Set(key, values...)
				return nil
			}
		}
		return fmt.Errorf("context: %q: value must be a string or an array of strings", key)
	})
}

// decodeObject reads a JSON object from dec, calling field for each key with
// dec positioned at the value, which field must consume. Duplicate keys are
// an error.
func decodeObject(dec *json.Decoder, what string, field func(key string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%s: want a JSON object", what)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonError(err)
		}
		key := tok.(string) // object keys are always strings
		if seen[key] {
			return fmt.Errorf("%s: field %q given twice", what, key)
		}
		seen[key] = true
		if err := field(key); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return jsonError(err)
	}
	return nil
}

func decodeString(dec *json.Decoder, key string) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", jsonError(err)
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("%q must be a string", key)
	}
	return s, nil
}

// expectEOF reports trailing data after a document.
func expectEOF(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return jsonError(err)
		}
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

// jsonError describes a JSON syntax error, with its offset when known.
func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("invalid JSON: unexpected end of input: %w", io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}
