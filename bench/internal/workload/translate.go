package workload

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// IAMJSON renders p as an IAM policy document (Version 2012-10-17), the input
// of both our engine and MinIO's.
func IAMJSON(p Policy) []byte {
	type stmt struct {
		Sid       string                         `json:"Sid,omitempty"`
		Effect    string                         `json:"Effect"`
		Action    []string                       `json:"Action"`
		Resource  []string                       `json:"Resource"`
		Condition map[string]map[string][]string `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string `json:"Version"`
		Statement []stmt `json:"Statement"`
	}{Version: "2012-10-17", Statement: []stmt{}}
	for _, s := range p.Statements {
		st := stmt{Sid: s.Sid, Effect: "Allow", Action: s.Actions, Resource: s.Resources}
		if s.Deny {
			st.Effect = "Deny"
		}
		for _, c := range s.Conditions {
			if st.Condition == nil {
				st.Condition = map[string]map[string][]string{}
			}
			if st.Condition[c.Op] == nil {
				st.Condition[c.Op] = map[string][]string{}
			}
			st.Condition[c.Op][c.Key] = append(st.Condition[c.Op][c.Key], c.Values...)
		}
		doc.Statement = append(doc.Statement, st)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err) // cannot happen: plain strings and maps
	}
	return b
}

// CedarAttr is the Cedar context attribute that carries an IAM condition key.
func CedarAttr(key string) string {
	switch key {
	case KeyUsername:
		return "username"
	case KeySourceIP:
		return "sourceIp"
	case KeySecure:
		return "secureTransport"
	case KeyTime:
		return "currentTime"
	case KeyUserAgent:
		return "userAgent"
	case KeyPrefix:
		return "s3Prefix"
	}
	panic("workload: no Cedar attribute for " + key)
}

// CedarUser is the Cedar principal for an aws:username ("" = anonymous).
func CedarUser(username string) string {
	return `User::` + strconv.Quote(username)
}

// Cedar translates the workload's policies into one Cedar policy set.
//
// Translation rules (see README "Semantic differences"):
//   - one Cedar policy per IAM statement (permit for Allow, forbid for Deny),
//     with @id("<policy>#<index>");
//   - actions are Action entities; Cedar has no wildcards on actions, so IAM
//     action patterns are expanded over the workload's closed action universe
//     into `action in [...]` ("*" leaves the action unconstrained);
//   - the resource ARN is context.resource and IAM patterns become `like`
//     (Cedar's like has `*` but no `?`; no workload uses `?`);
//   - Cedar cannot splice request values into a pattern, so a statement with
//     ${aws:username} becomes one policy per known user, linked the way a
//     Cedar template is (principal == User::"<name>"), with the name escaped
//     so it stays literal;
//   - conditions become `context has k && ...` so a missing key makes the
//     clause false, as IAM's positive operators do.
func Cedar(w *Workload) []byte {
	var b strings.Builder
	universe := w.Actions()
	users := w.Usernames()
	for _, p := range w.Policies {
		for i, s := range p.Statements {
			if !s.HasVariables() {
				writeCedar(&b, fmt.Sprintf("%s#%d", p.ID, i), s, universe, "", false)
				continue
			}
			for _, u := range users {
				writeCedar(&b, fmt.Sprintf("%s#%d@%s", p.ID, i, u), s, universe, u, true)
			}
		}
	}
	return []byte(b.String())
}

func cedarLikeLiteral(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return strings.ReplaceAll(s, `*`, `\*`)
}

func cedarPattern(pattern, user string) string {
	// Substitute the (escaped) user first, then quote for Cedar: the pattern's
	// own '*' stay wildcards.
	if strings.ContainsRune(pattern, '?') {
		panic("workload: Cedar like has no '?': " + pattern)
	}
	pattern = strings.ReplaceAll(pattern, "${aws:username}", cedarLikeLiteral(user))
	return `"` + strings.ReplaceAll(pattern, `"`, `\"`) + `"`
}

func writeCedar(b *strings.Builder, id string, s Statement, universe []string, user string, linked bool) {
	fmt.Fprintf(b, "@id(%q)\n", id)
	if s.Deny {
		b.WriteString("forbid (\n")
	} else {
		b.WriteString("permit (\n")
	}
	if linked {
		fmt.Fprintf(b, "  principal == %s,\n", CedarUser(user))
	} else {
		b.WriteString("  principal,\n")
	}
	var actions []string
	all := false
	for _, a := range s.Actions {
		if a == "*" {
			all = true
			break
		}
		for _, u := range universe {
			if ok, _ := path.Match(a, u); ok && !slices.Contains(actions, u) {
				actions = append(actions, u)
			}
		}
	}
	switch {
	case all:
		b.WriteString("  action,\n")
	case len(actions) == 0:
		// No action of the universe matches: Cedar has no empty
		// action list, and this permit could never apply.
		b.WriteString("  action == Action::\"(none)\",\n")
	case len(actions) == 1:
		fmt.Fprintf(b, "  action == Action::%q,\n", actions[0])
	default:
		b.WriteString("  action in [")
		for i, a := range actions {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "Action::%q", a)
		}
		b.WriteString("],\n")
	}
	b.WriteString("  resource\n)")
	var clauses []string
	if !slices.Contains(s.Resources, "*") {
		var ors []string
		for _, r := range s.Resources {
			ors = append(ors, "context.resource like "+cedarPattern(r, user))
		}
		clauses = append(clauses, "("+strings.Join(ors, " || ")+")")
	}
	for _, c := range s.Conditions {
		attr := "context." + CedarAttr(c.Key)
		var ors []string
		for _, v := range c.Values {
			switch c.Op {
			case "StringLike":
				ors = append(ors, attr+" like "+cedarPattern(v, user))
			case "StringEquals":
				ors = append(ors, attr+" == "+strconv.Quote(strings.ReplaceAll(v, "${aws:username}", user)))
			case "IpAddress":
				ors = append(ors, fmt.Sprintf("%s.isInRange(ip(%q))", attr, v))
			case "Bool":
				ors = append(ors, attr+" == "+strings.ToLower(v))
			case "DateGreaterThan", "DateLessThan":
				op, t := dateComparison(c.Op, v)
				ors = append(ors, fmt.Sprintf("%s %s %d", attr, op, t.UnixMilli()))
			default:
				panic("workload: no Cedar translation for " + c.Op)
			}
		}
		clauses = append(clauses, fmt.Sprintf("(context has %s && (%s))", CedarAttr(c.Key), strings.Join(ors, " || ")))
	}
	if len(clauses) > 0 {
		b.WriteString(" when {\n  " + strings.Join(clauses, " &&\n  ") + "\n}")
	}
	b.WriteString(";\n\n")
}

// RegoAttr is the input field that carries an IAM condition key.
func RegoAttr(key string) string { return CedarAttr(key) }

// RegoPackage is the package of the generated Rego module.
const RegoPackage = "astranbench"

// RegoQuery is the query that yields "Allow", "ExplicitDeny" or "ImplicitDeny".
const RegoQuery = "data." + RegoPackage + ".decision"

// Rego translates the workload's policies into one Rego module whose
// `decision` is "ExplicitDeny", "Allow" or "ImplicitDeny".
//
// Each IAM statement becomes one body per literal action of an
// `explicit_deny` or `allowed` rule: `input.action == "<literal>"` keeps OPA's
// rule index usable; action patterns use glob.match with no delimiters (null).
// Resources are ORed with `some p in {...}; glob.match(p, null, input.resource)`.
// ${aws:username} is spliced with glob.quote_meta, so a name stays literal.
func Rego(w *Workload) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\n", RegoPackage)
	b.WriteString(`default decision := "ImplicitDeny"

default explicit_deny := false

default allowed := false

decision := "ExplicitDeny" if {
	explicit_deny
} else := "Allow" if {
	allowed
}

`)
	for _, p := range w.Policies {
		for i, s := range p.Statements {
			head := "allowed"
			if s.Deny {
				head = "explicit_deny"
			}
			var rest []string
			if !slices.Contains(s.Resources, "*") {
				rest = append(rest, "some res in "+regoSet(s.Resources), "glob.match("+regoPattern("res")+", null, input.resource)")
				if s.HasVariables() {
					rest[len(rest)-1] = "glob.match(" + regoVarPattern("res") + ", null, input.resource)"
				}
			}
			for ci, c := range s.Conditions {
				attr := "input." + RegoAttr(c.Key)
				v := fmt.Sprintf("v%d", ci)
				switch c.Op {
				case "StringLike":
					pat := regoPattern(v)
					if slices.ContainsFunc(c.Values, IsVariable) {
						pat = regoVarPattern(v)
					}
					rest = append(rest, fmt.Sprintf("some %s in %s", v, regoSet(c.Values)), fmt.Sprintf("glob.match(%s, null, %s)", pat, attr))
				case "StringEquals":
					rest = append(rest, fmt.Sprintf("%s in %s", attr, regoSet(c.Values)))
				case "IpAddress":
					rest = append(rest, fmt.Sprintf("some %s in %s", v, regoSet(c.Values)), fmt.Sprintf("net.cidr_contains(%s, %s)", v, attr))
				case "Bool":
					rest = append(rest, fmt.Sprintf("%s == %s", attr, strings.ToLower(c.Values[0])))
				case "DateGreaterThan", "DateLessThan":
					op, t := dateComparison(c.Op, c.Values[0])
					rest = append(rest, fmt.Sprintf("time.parse_rfc3339_ns(%s) %s %d", attr, op, t.UnixNano()))
				default:
					panic("workload: no Rego translation for " + c.Op)
				}
			}
			var firsts []string
			for _, a := range s.Actions {
				switch {
				case strings.ContainsAny(a, "*?"):
					firsts = append(firsts, fmt.Sprintf("glob.match(%q, null, input.action)", a))
				default:
					firsts = append(firsts, fmt.Sprintf("input.action == %q", a))
				}
			}
			if slices.Contains(s.Actions, "*") {
				firsts = []string{"true"}
			}
			fmt.Fprintf(&b, "# %s#%d %s\n", p.ID, i, s.Sid)
			for _, f := range firsts {
				fmt.Fprintf(&b, "%s if {\n\t%s\n", head, f)
				for _, r := range rest {
					fmt.Fprintf(&b, "\t%s\n", r)
				}
				b.WriteString("}\n\n")
			}
		}
	}
	return []byte(b.String())
}

// dateComparison translates a Date condition of the workload (its values
// are RFC 3339 literals) into a comparison operator and the time.
func dateComparison(iamOp, value string) (string, time.Time) {
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		panic(err)
	}
	if iamOp == "DateLessThan" {
		return "<", t
	}
	return ">", t
}

func regoSet(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return "{" + strings.Join(q, ", ") + "}"
}

func regoPattern(v string) string { return v }

// regoVarPattern splices input.username (quoted for glob) into pattern v.
func regoVarPattern(v string) string {
	return fmt.Sprintf(`replace(%s, "${aws:username}", glob.quote_meta(input.username))`, v)
}
