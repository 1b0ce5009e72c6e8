package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/policy"
)

// maxFileBytes bounds policy and request files.
const maxFileBytes = 16 << 20

// policyFlags are shared by the policy subcommands.
type policyFlags struct {
	dialect string
	maxSize int
}

func (f *policyFlags) add(cmd *cobra.Command) {
	choiceFlag(cmd, &f.dialect, "dialect", "astran", "policy dialect: astran (case-sensitive actions, Version 2012-10-17) or aws", dialectNames)
	cmd.Flags().IntVar(&f.maxSize, "max-size", policy.DefaultMaxSize, "largest policy document in characters (IAM's limit); -1 for none")
}

func (f *policyFlags) parseOpts() (func(*policy.ParseOptions), func(*policy.CompileOptions), error) {
	var d policy.Dialect
	switch strings.ToLower(f.dialect) {
	case "astran":
		d = policy.Astran
	case "aws":
		d = policy.AWS
	default:
		return nil, nil, checkChoice("dialect", f.dialect, dialectNames)
	}
	maxSize := f.maxSize
	return func(o *policy.ParseOptions) { o.Dialect, o.MaxSize = d, maxSize },
		func(o *policy.CompileOptions) { o.Dialect = d }, nil
}

func (e *env) policyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Validate, simulate and test IAM policies offline",
		Long: `Validate, simulate and test IAM policy documents with the SDK's policy
engine, offline. The engine follows AWS's evaluation logic (an explicit Deny
wins, access is denied by default) with Astran's case-sensitive action names
(--dialect astran, the default) or AWS's case-insensitive ones (--dialect aws).`,
		Example: `  astran policy validate policies/*.json
  astran policy simulate --request request.json policies/reader.json
  astran policy test rules.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	// A wrong flag is a usage error: exit status 2, as for unreadable input.
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &exitError{exitInput, fmt.Errorf("%s: %w (see %q)", commandName(c), err, c.CommandPath()+" --help")}
	})
	cmd.AddCommand(e.validateCommand(), e.simulateCommand(), e.testCommand(), e.diffCommand(), e.checkNoNewAccessCommand(), e.lintCommand())
	return cmd
}

// usageArgs wraps an argument check so that its error names the command,
// shows the expected arguments and exits with status 2.
func usageArgs(check cobra.PositionalArgs, want string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &exitError{exitInput, fmt.Errorf("%s: %w: %s (see %q)", commandName(cmd), err, want, cmd.CommandPath()+" --help")}
		}
		return nil
	}
}

// commandName is the command's path without the program name, as errors
// name it ("policy validate").
func commandName(c *cobra.Command) string {
	return strings.TrimPrefix(c.CommandPath(), c.Root().Name()+" ")
}

// usageError is a wrong flag value of command: exit status 2.
func usageError(command string, err error) error {
	return &exitError{exitInput, fmt.Errorf("%s: %w", command, err)}
}

func (e *env) validateCommand() *cobra.Command {
	var f policyFlags
	cmd := &cobra.Command{
		Use:   "validate FILE|DIR...",
		Short: "Parse and validate policy documents",
		Long: `Parse and validate policy documents, printing each problem with its file,
line, column and JSON path, in order of position. A directory stands for the
*.json files in it; "-" reads standard input.

Exit status: 0 if every document is valid, 1 if any is invalid, 2 if a file
cannot be read or the command line is wrong.`,
		Example: `  astran policy validate reader.json
  astran policy validate policies/
  astran policy validate --dialect aws exported/*.json
  cat reader.json | astran policy validate -`,
		Args: usageArgs(cobra.MinimumNArgs(1), "FILE|DIR..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.validate(&f, args)
		},
	}
	f.add(cmd)
	return cmd
}

// policyFiles returns name, or when name is a directory its *.json files,
// sorted. "-" (standard input) is a file.
func policyFiles(name string) (files []string, isDir bool, err error) {
	st, err := os.Stat(name)
	if name == "-" || err != nil || !st.IsDir() {
		return []string{name}, false, nil
	}
	files, err = filepath.Glob(filepath.Join(name, "*.json"))
	sort.Strings(files)
	return files, true, err
}

// expandDirs replaces each directory of names by its *.json files, sorted;
// a directory without any is an error.
func expandDirs(names []string) ([]string, error) {
	var files []string
	for _, name := range names {
		matches, isDir, err := policyFiles(name)
		if err != nil {
			return nil, err
		}
		if isDir && len(matches) == 0 {
			return nil, fmt.Errorf("%s: a directory without *.json files", name)
		}
		files = append(files, matches...)
	}
	return files, nil
}

func (e *env) validate(f *policyFlags, args []string) error {
	popt, _, err := f.parseOpts()
	if err != nil {
		return usageError("policy validate", err)
	}
	files, err := expandDirs(args)
	if err != nil {
		return &exitError{exitInput, fmt.Errorf("policy validate: %w", err)}
	}
	invalid, unreadable := 0, 0
	for _, name := range files {
		data, err := e.readFile(name)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: %s\n", name, oneLine(err.Error()))
			unreadable++
			continue
		}
		_, err = policy.Parse(data, popt)
		if err == nil {
			fmt.Fprintf(e.stdout, "%s: valid\n", name)
			continue
		}
		invalid++
		for _, line := range documentLines(name, data, err, f.maxSize) {
			fmt.Fprintln(e.stdout, line)
		}
	}
	switch {
	case unreadable > 0:
		return &exitError{exitInput, fmt.Errorf("policy validate: %d of %d files unreadable, %d invalid", unreadable, len(files), invalid)}
	case invalid > 0:
		return fmt.Errorf("policy validate: %d of %d documents invalid", invalid, len(files))
	}
	return nil
}

// problem is one problem of a document: its position (1-based line and
// column in characters; 0 when it concerns the whole document) and its text.
type problem struct {
	line, col int
	text      string
}

// documentProblems lists the problems of a policy.Parse error for data
// (nil when unknown), sorted by position.
func documentProblems(data []byte, err error, maxSize int) []problem {
	var list policy.ErrorList
	var syn *policy.SyntaxError
	var size *policy.SizeError
	var out []problem
	switch {
	case errors.As(err, &list):
		for _, p := range list {
			out = append(out, problem{p.Line, p.Column, problemText(p)})
		}
	case errors.As(err, &syn):
		out = append(out, problem{syn.Line, syn.Column, fmt.Sprintf("%s: %s", syn.Err, oneLine(syn.Msg))})
	case errors.As(err, &size):
		n := size.Size
		if data != nil {
			n = documentSize(data)
		}
		out = append(out, problem{text: fmt.Sprintf("document too large: %d characters exceeds the limit of %d (see --max-size)", n, maxSize)})
	default:
		out = append(out, problem{text: oneLine(strings.TrimPrefix(err.Error(), "policy: "))})
	}
	sortProblems(out)
	return out
}

// sortProblems sorts problems by position, keeping the order of ties.
func sortProblems(out []problem) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].line != out[j].line {
			return out[i].line < out[j].line
		}
		return out[i].col < out[j].col
	})
}

// documentLines formats the problems of a document named name as lines
// FILE:LINE:COLUMN: PATH: problem.
func documentLines(name string, data []byte, err error, maxSize int) []string {
	return problemLines(name, documentProblems(data, err, maxSize))
}

// problems formats a policy.Parse error as one line per problem, in order
// of position: FILE:LINE:COLUMN: PATH: problem.
func problems(name string, err error) []string {
	return documentLines(name, nil, err, policy.DefaultMaxSize)
}

func problemText(p *policy.ValidationError) string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	if p.Err != nil {
		b.WriteString(p.Err.Error())
	}
	if p.Msg != "" {
		if p.Err != nil {
			b.WriteString(": ")
		}
		b.WriteString(p.Msg)
	}
	return oneLine(b.String())
}

// documentSize is the size of a policy document as IAM counts it (and the
// policy package's size limit): characters, without the whitespace outside
// strings.
func documentSize(data []byte) int {
	n := 0
	inString, escaped := false, false
	for _, r := range string(data) {
		switch {
		case inString && escaped:
			escaped = false
		case inString && r == '\\':
			escaped = true
		case inString && r == '"':
			inString = false
		case !inString && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			continue
		case !inString && r == '"':
			inString = true
		}
		n++
	}
	return n
}

// readFile reads a file, or standard input for "-", up to maxFileBytes.
func (e *env) readFile(name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxFileBytes)
	}
	return data, nil
}

// simulateFlags are the flags of policy simulate.
type simulateFlags struct {
	policyFlags
	request, boundary, session, resource, resourceAccount string
	anonymous, exitCode                                   bool
}

func (e *env) simulateCommand() *cobra.Command {
	var f simulateFlags
	cmd := &cobra.Command{
		Use:   "simulate --request REQUEST.json [flags] [POLICY.json...]",
		Short: "Evaluate one request against policies and print the decision",
		Long: `Evaluate one request against policies and print the decision as JSON:

  {"decision":"Allow|ExplicitDeny|ImplicitDeny",
   "matchedStatements":[{"policy":"FILE","sid":"…","index":0,"effect":"Allow"}],
   "missingContextKeys":[…]}

REQUEST.json is
  {"principal":"arn:…","action":"s3:GetObject","resource":"arn:…",
   "resourceAccount":"…",
   "context":{"aws:SourceIp":"203.0.113.5","aws:TagKeys":["team","env"]}}
where a context value is a string or an array of strings (an empty array is a
key that is present with no values). The context is used exactly as given,
like AWS's simulate-custom-policy: nothing is derived from the principal.
missingContextKeys lists the condition keys and policy variables (such as
${aws:username}) that the statements matching the request needed and the
context lacked. Each policy is named by its file name in the output.

The POLICY.json files are the principal's identity-based policies. With
--boundary, --session-policy, --resource-policy, --resource-account or
--anonymous, the request is decided by AWS's evaluation logic over every
policy type, as in IAM: an explicit Deny anywhere wins; a permissions
boundary and a session policy only limit; in the same account an Allow of
the identity-based policies or of the resource-based policy suffices, across
accounts both must allow; an anonymous request is allowed only by a
resource-based policy allowing "*". The principal is then required: a user,
role or assumed-role session ARN (a role ARN stands for a session of the
role) or "anonymous". The resource account defaults to the account in the
resource ARN, else the principal's. For sts:AssumeRole* the resource policy
is the role's trust policy, which must allow even in the same account. The
output then adds "decidedBy" (the policy type that decided) or, for an
ImplicitDeny, "missingAllow" (the type that lacked an Allow), and each
matched statement its "type".

Problems in the request or a policy are printed on standard error, one per
line as "FILE:LINE:COLUMN: problem". Exit status: 0 when the decision was
printed, 1 for an invalid request or policy, 2 for unreadable input or a
wrong command line. With --exit-code the status says the decision: 0 Allow,
1 denied (ExplicitDeny or ImplicitDeny), and 2 for any error.`,
		Example: `  astran policy simulate --request get-report.json reader.json deny-outside-office.json
  echo '{"action":"s3:GetObject","resource":"arn:demo:s3:::b/k"}' | astran policy simulate --request - reader.json
  astran policy simulate --exit-code --request get-report.json reader.json >/dev/null && echo allowed
  astran policy simulate --request get.json --boundary boundary.json --resource-policy bucket.json reader.json
  astran policy simulate --request get.json --anonymous --resource-account 111122223333 --resource-policy bucket.json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			err := e.simulate(&f, args)
			var ee *exitError
			var se *silentError
			if f.exitCode && err != nil && !errors.As(err, &ee) && !errors.As(err, &se) {
				err = &exitError{exitInput, err} // 1 means a deny
			}
			return err
		},
	}
	f.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.request, "request", "", "the request, as a JSON file (- for standard input)")
	fl.StringVar(&f.boundary, "boundary", "", "the principal's permissions boundary, a policy file")
	fl.StringVar(&f.session, "session-policy", "", "the session policy of the principal's session, a policy file")
	fl.StringVar(&f.resource, "resource-policy", "", "the resource-based policy (a bucket policy, or a role's trust policy for sts:AssumeRole*), a policy file")
	fl.StringVar(&f.resourceAccount, "resource-account", "", "the account that owns the resource (default: the account in the resource ARN, else the principal's)")
	fl.BoolVar(&f.anonymous, "anonymous", false, "an anonymous (unsigned) request; needs --resource-account")
	fl.BoolVar(&f.exitCode, "exit-code", false, "exit status 0 for Allow, 1 for a deny (2 for errors)")
	for _, name := range []string{"request", "boundary", "session-policy", "resource-policy"} {
		_ = cmd.MarkFlagFilename(name, "json")
	}
	return cmd
}

// simulateOutput is the JSON printed by policy simulate.
type simulateOutput struct {
	Decision           policy.Decision           `json:"decision"`
	DecidedBy          policy.PolicyType         `json:"decidedBy,omitempty"`
	MissingAllow       policy.PolicyType         `json:"missingAllow,omitempty"`
	MatchedStatements  []policy.MatchedStatement `json:"matchedStatements"`
	MissingContextKeys []string                  `json:"missingContextKeys"`
}

func (e *env) simulate(f *simulateFlags, files []string) error {
	popt, copt, err := f.parseOpts()
	if err != nil {
		return usageError("policy simulate", err)
	}
	switch {
	case f.request == "":
		return usageError("policy simulate", errors.New(`--request REQUEST.json is required (see "astran policy simulate --help")`))
	case len(files) == 0 && f.boundary == "" && f.session == "" && f.resource == "":
		return usageError("policy simulate", errors.New(`no policy: give POLICY.json files or --resource-policy (see "astran policy simulate --help")`))
	}
	data, err := e.readFile(f.request)
	if err != nil {
		return &exitError{exitInput, fmt.Errorf("policy simulate: %w", err)}
	}
	req, err := parseRequest(data)
	if err != nil {
		var ie *inputError
		line, col := 1, 1
		if errors.As(err, &ie) {
			line, col = position(data, ie.Offset)
		}
		return fmt.Errorf("policy simulate: %s:%d:%d: %s", f.request, line, col, oneLine(err.Error()))
	}
	if err := f.override(&req); err != nil {
		return err
	}

	// Every policy is read and checked before any error is returned, so
	// that all problems are printed.
	invalid, total := 0, 0
	load := func(names []string, resource bool) ([]policy.Policy, error) {
		var out []policy.Policy
		for _, name := range names {
			total++
			data, err := e.readFile(name)
			if err != nil {
				return nil, &exitError{exitInput, fmt.Errorf("policy simulate: %w", err)}
			}
			doc, err := policy.Parse(data, popt)
			var lines []string
			switch {
			case err != nil:
				lines = documentLines(name, data, err, f.maxSize)
			case resource:
				lines = problemLines(name, resourcePolicyProblems(data, doc))
			}
			if len(lines) > 0 {
				invalid++
				for _, line := range lines {
					fmt.Fprintln(e.stderr, line)
				}
				continue
			}
			out = append(out, policy.Policy{ID: name, Document: doc})
		}
		return out, nil
	}
	var sets policySets
	var all []policy.Policy // every policy, for missingVariables
	for _, t := range [...]struct {
		set      **policy.Set
		names    []string
		resource bool
	}{
		{&sets.identity, files, false},
		{&sets.boundary, nonEmpty(f.boundary), false},
		{&sets.session, nonEmpty(f.session), false},
		{&sets.resource, nonEmpty(f.resource), true},
	} {
		policies, err := load(t.names, t.resource)
		if err != nil {
			return err
		}
		if len(t.names) == 0 {
			continue
		}
		all = append(all, policies...)
		if *t.set, err = policy.Compile(policies, copt); err != nil {
			return fmt.Errorf("policy simulate: %w", err)
		}
	}
	if invalid > 0 {
		return fmt.Errorf("policy simulate: %d of %d policies invalid", invalid, total)
	}
	sets.identities, sets.boundaries = len(files), len(nonEmpty(f.boundary))
	var res policy.Result
	if err := sets.evaluateInto(&req, &res); err != nil {
		return fmt.Errorf("policy simulate: %s: %w", f.request, err)
	}
	addMissing(&res, missingVariables(all, &req, copt))
	if err := writeJSON(e.stdout, resultOutput(res), false); err != nil {
		return err
	}
	if f.exitCode && res.Decision != policy.Allow {
		return &silentError{exitFailure}
	}
	return nil
}

// override applies --anonymous and --resource-account to req.
func (f *simulateFlags) override(req *policy.Request) error {
	if f.anonymous {
		if req.Principal != "" && req.Principal != anonymous {
			return usageError("policy simulate", fmt.Errorf("--anonymous, but the request's principal is %q", req.Principal))
		}
		req.Principal = anonymous
	}
	if f.resourceAccount != "" {
		if req.ResourceAccount != "" && req.ResourceAccount != f.resourceAccount {
			return usageError("policy simulate", fmt.Errorf("--resource-account %q, but the request's resourceAccount is %q", f.resourceAccount, req.ResourceAccount))
		}
		req.ResourceAccount = f.resourceAccount
	}
	if err := checkAccount(req); err != nil {
		return fmt.Errorf("policy simulate: %w", err)
	}
	return nil
}

// nonEmpty returns []string{name}, or nothing for "".
func nonEmpty(name string) []string {
	if name == "" {
		return nil
	}
	return []string{name}
}

// problemLines formats problems of the document name as documentLines does.
func problemLines(name string, probs []problem) []string {
	out := make([]string, len(probs))
	for i, p := range probs {
		if p.line > 0 {
			out[i] = fmt.Sprintf("%s:%d:%d: %s", name, p.line, p.col, p.text)
		} else {
			out[i] = name + ": " + p.text
		}
	}
	return out
}

func resultOutput(r policy.Result) simulateOutput {
	out := simulateOutput{
		Decision:           r.Decision,
		DecidedBy:          r.DecidedBy,
		MissingAllow:       r.MissingAllow,
		MatchedStatements:  r.Statements,
		MissingContextKeys: r.MissingContextKeys,
	}
	if out.MatchedStatements == nil {
		out.MatchedStatements = []policy.MatchedStatement{}
	}
	if out.MissingContextKeys == nil {
		out.MissingContextKeys = []string{}
	}
	return out
}
