package sts

import (
	"context"
	"io"
)

// Exported for the external tests only.
var (
	ParseLoginResponse = parseLoginResponse
	ParseErrorResponse = parseErrorResponse
	SessionName        = sessionName
	ServerText         = serverText
)

// TerminalPassword exposes the terminal prompt with injectable terminal
// functions.
func TerminalPassword(prompt string, w io.Writer, isTerminal func(int) bool, read func(int) ([]byte, error)) PasswordFunc {
	return terminalPassword(prompt, 0, w, isTerminal, read)
}

// ExpireAccessToken forgets the current access token of s.
func ExpireAccessToken(s *PasswordGrant) {
	s.mu.Lock()
	tok := s.tok
	s.mu.Unlock()
	if tok != nil {
		s.expire(tok.AccessToken)
	}
}

var _ = context.Background
