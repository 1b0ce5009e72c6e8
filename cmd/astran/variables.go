package main

import (
	"slices"
	"strings"

	"github.com/astran-oss/astran-go/policy"
)

// missingVariables returns the policy variables without a default (such as
// ${aws:username}) that the statements of policies whose Action or
// NotAction matches req.Action use in Resource, NotResource or condition
// values, and that req's context has no value for. The engine reports
// missing condition keys; a variable without a value makes its pattern
// match nothing, which the output should say in the same way.
func missingVariables(policies []policy.Policy, req *policy.Request, copt func(*policy.CompileOptions)) []string {
	var out []string
	for _, p := range policies {
		if p.Document == nil || p.Document.Version != policy.Version2012 {
			continue // variables exist only in the 2012-10-17 language
		}
		for _, st := range p.Document.Statements {
			var keys []string
			for _, list := range [][]string{st.Resource, st.NotResource} {
				for _, s := range list {
					keys = appendVariables(keys, s)
				}
			}
			for _, byKey := range st.Condition {
				for _, values := range byKey {
					for _, s := range values {
						keys = appendVariables(keys, s)
					}
				}
			}
			keys = slices.DeleteFunc(keys, func(k string) bool { _, ok := req.Context.Get(k); return ok })
			if len(keys) == 0 || !actionMatches(p.Document.Version, &st, req.Action, copt) {
				continue
			}
			for _, k := range keys {
				if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, k) }) {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// appendVariables appends the keys of the variables of s that have no
// default: ${key}, not ${key, 'default'} nor the escapes ${*}, ${?}, ${$}.
func appendVariables(keys []string, s string) []string {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return keys
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			return keys
		}
		inner := s[i+2 : i+2+j]
		s = s[i+2+j+1:]
		if strings.Contains(inner, ",") {
			continue // a default value: never missing
		}
		key := strings.TrimSpace(inner)
		if key == "" || strings.ContainsAny(key, " \t$'{*?") {
			continue // an escape, or not a variable (literal text)
		}
		keys = append(keys, key)
	}
}

// actionMatches reports whether the statement's Action or NotAction covers
// action, by evaluating a statement made of them alone.
func actionMatches(version string, st *policy.Statement, action string, copt func(*policy.CompileOptions)) bool {
	probe := &policy.Document{Version: version, Statements: []policy.Statement{{
		Effect: policy.EffectAllow, Action: st.Action, NotAction: st.NotAction, Resource: []string{"*"},
	}}}
	set, err := policy.Compile([]policy.Policy{{ID: "probe", Document: probe}}, copt)
	if err != nil {
		return false
	}
	return set.Evaluate(&policy.Request{Action: action, Resource: "*"}).Decision == policy.Allow
}

// addMissing adds keys to the result's missing context keys, without
// duplicates (case-insensitively), sorted case-insensitively as the engine
// sorts them.
func addMissing(res *policy.Result, keys []string) {
	for _, k := range keys {
		if !slices.ContainsFunc(res.MissingContextKeys, func(o string) bool { return strings.EqualFold(o, k) }) {
			res.MissingContextKeys = append(res.MissingContextKeys, k)
		}
	}
	slices.SortStableFunc(res.MissingContextKeys, func(a, b string) int {
		return strings.Compare(strings.ToLower(a), strings.ToLower(b))
	})
}
