package main

import (
	"errors"
	"fmt"
	"io"
	"os"
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
	cmd.Flags().StringVar(&f.dialect, "dialect", "astran", "policy dialect: astran (case-sensitive actions, Version 2012-10-17) or aws")
	cmd.Flags().IntVar(&f.maxSize, "max-size", policy.DefaultMaxSize, "largest policy document in characters (IAM's limit); -1 for none")
	_ = cmd.RegisterFlagCompletionFunc("dialect", cobra.FixedCompletions([]string{"astran", "aws"}, cobra.ShellCompDirectiveNoFileComp))
}

func (f *policyFlags) parseOpts() (func(*policy.ParseOptions), func(*policy.CompileOptions), error) {
	var d policy.Dialect
	switch strings.ToLower(f.dialect) {
	case "astran":
		d = policy.Astran
	case "aws":
		d = policy.AWS
	default:
		return nil, nil, fmt.Errorf("unknown --dialect %q (want astran or aws)", f.dialect)
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
	cmd.AddCommand(e.validateCommand(), e.simulateCommand(), e.testCommand(), e.diffCommand(), e.checkNoNewAccessCommand())
	return cmd
}

func (e *env) validateCommand() *cobra.Command {
	var f policyFlags
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Parse and validate policy documents",
		Long: `Parse and validate policy documents, printing each problem with its file,
line, column and JSON path. "-" reads standard input. The exit status is 1 if
any document is invalid.`,
		Example: `  astran policy validate reader.json
  astran policy validate --dialect aws exported/*.json
  cat reader.json | astran policy validate -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.validate(&f, args)
		},
	}
	f.add(cmd)
	return cmd
}

func (e *env) validate(f *policyFlags, files []string) error {
	popt, _, err := f.parseOpts()
	if err != nil {
		return fmt.Errorf("policy validate: %w", err)
	}
	bad := 0
	for _, name := range files {
		data, err := e.readFile(name)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: %s\n", name, oneLine(err.Error()))
			bad++
			continue
		}
		_, err = policy.Parse(data, popt)
		if err == nil {
			fmt.Fprintf(e.stdout, "%s: valid\n", name)
			continue
		}
		bad++
		for _, line := range problems(name, err) {
			fmt.Fprintln(e.stdout, line)
		}
	}
	if bad > 0 {
		return fmt.Errorf("policy validate: %d of %d documents invalid", bad, len(files))
	}
	return nil
}

// problems formats a policy.Parse error as one line per problem:
// FILE:LINE:COLUMN: PATH: problem.
func problems(name string, err error) []string {
	var list policy.ErrorList
	var syn *policy.SyntaxError
	var size *policy.SizeError
	switch {
	case errors.As(err, &list):
		out := make([]string, 0, len(list))
		for _, p := range list {
			out = append(out, formatProblem(name, p))
		}
		return out
	case errors.As(err, &syn):
		return []string{fmt.Sprintf("%s:%d:%d: %s: %s", name, syn.Line, syn.Column, syn.Err, oneLine(syn.Msg))}
	case errors.As(err, &size):
		return []string{fmt.Sprintf("%s: document too large: %d characters exceeds the limit of %d (see --max-size)", name, size.Size, size.Limit)}
	}
	return []string{name + ": " + oneLine(strings.TrimPrefix(err.Error(), "policy: "))}
}

func formatProblem(name string, p *policy.ValidationError) string {
	var b strings.Builder
	b.WriteString(name)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", p.Line, p.Column)
	}
	b.WriteString(": ")
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

func (e *env) simulateCommand() *cobra.Command {
	var f policyFlags
	var request string
	cmd := &cobra.Command{
		Use:   "simulate --request REQUEST.json POLICY.json...",
		Short: "Evaluate one request against policies and print the decision",
		Long: `Evaluate one request against a set of identity policies and print the
decision as JSON:

  {"decision":"Allow|ExplicitDeny|ImplicitDeny",
   "matchedStatements":[{"policy":"FILE","sid":"…","index":0,"effect":"Allow"}],
   "missingContextKeys":[…]}

REQUEST.json is
  {"principal":"arn:…","action":"s3:GetObject","resource":"arn:…",
   "context":{"aws:SourceIp":"203.0.113.5","aws:TagKeys":["team","env"]}}
where a context value is a string or an array of strings (an empty array is a
key that is present with no values). The context is used exactly as given,
like AWS's simulate-custom-policy: nothing is derived from the principal.
Each policy is named by its file name in the output.`,
		Example: `  astran policy simulate --request get-report.json reader.json deny-outside-office.json
  echo '{"action":"s3:GetObject","resource":"arn:demo:s3:::b/k"}' | astran policy simulate --request - reader.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.simulate(&f, request, args)
		},
	}
	f.add(cmd)
	cmd.Flags().StringVar(&request, "request", "", "the request, as a JSON file (- for standard input)")
	_ = cmd.MarkFlagRequired("request")
	_ = cmd.MarkFlagFilename("request", "json")
	return cmd
}

// simulateOutput is the JSON printed by policy simulate.
type simulateOutput struct {
	Decision           policy.Decision           `json:"decision"`
	MatchedStatements  []policy.MatchedStatement `json:"matchedStatements"`
	MissingContextKeys []string                  `json:"missingContextKeys"`
}

func (e *env) simulate(f *policyFlags, requestFile string, files []string) error {
	popt, copt, err := f.parseOpts()
	if err != nil {
		return fmt.Errorf("policy simulate: %w", err)
	}
	data, err := e.readFile(requestFile)
	if err != nil {
		return fmt.Errorf("policy simulate: %w", err)
	}
	req, err := parseRequest(data)
	if err != nil {
		return fmt.Errorf("policy simulate: %s: %w", requestFile, err)
	}
	policies := make([]policy.Policy, 0, len(files))
	for _, name := range files {
		data, err := e.readFile(name)
		if err != nil {
			return fmt.Errorf("policy simulate: %w", err)
		}
		doc, err := policy.Parse(data, popt)
		if err != nil {
			return fmt.Errorf("policy simulate: %s", strings.Join(problems(name, err), "; "))
		}
		policies = append(policies, policy.Policy{ID: name, Document: doc})
	}
	set, err := policy.Compile(policies, copt)
	if err != nil {
		return fmt.Errorf("policy simulate: %w", err)
	}
	return writeJSON(e.stdout, resultOutput(set.Evaluate(&req)), false)
}

func resultOutput(r policy.Result) simulateOutput {
	out := simulateOutput{
		Decision:           r.Decision,
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
