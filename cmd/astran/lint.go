package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/lint"
	"github.com/astran-oss/astran-go/policy"
)

// lintFlags are the flags of policy lint.
type lintFlags struct {
	policyFlags
	typ, format, failOn string
	ignore              []string
}

func (e *env) lintCommand() *cobra.Command {
	var f lintFlags
	cmd := &cobra.Command{
		Use:   "lint FILE|DIR...",
		Short: "Check policy documents for mistakes the grammar accepts",
		Long: `Check policy documents for what validate cannot see: actions that do not
exist or are in the wrong case (Astran compares action names case-sensitively),
condition keys the actions never carry, operators of the wrong type, resources
no action acts on, grants far broader than intended (Action "*", iam:PassRole
on "*", Allow with NotAction, web identity trusts without an audience) and
statements that change nothing. lint also reports what validate reports.

Each finding has a stable code, a severity (error, security, warning,
suggestion), the file, line, column and JSON path, and a fix when one is
certain. --format json prints an array of findings; --format sarif prints
SARIF 2.1.0 for GitHub code scanning. The exit status is 1 if a finding is at
least as grave as --fail-on.

The policy type decides some checks: a document with a Principal is a trust
policy when it only allows sts:AssumeRole* without Resource, a resource policy
otherwise, and an identity policy without Principal; --type overrides it.

--ignore silences a check: CODE everywhere, CODE@SID for the statements with
that Sid, FILE:CODE or FILE:CODE@SID in one file only. A directory stands for
the *.json files in it; "-" reads standard input.

Exit status: 0 if no finding is as grave as --fail-on, 1 if one is, 2 if a
file cannot be read or the command line is wrong.`,
		Example: `  astran policy lint policies/
  astran policy lint --fail-on warning --ignore ALLOW_ALL@BreakGlass admin.json
  astran policy lint --format sarif policies/*.json > lint.sarif
  astran policy lint --type trust roles/ci-trust.json`,
		Args: usageArgs(cobra.MinimumNArgs(1), "FILE|DIR..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.lint(&f, args)
		},
	}
	f.add(cmd)
	choiceFlag(cmd, &f.typ, "type", "", "policy type: identity, resource or trust; boundary and session lint as identity (default: inferred from the document)", policyTypes)
	choiceFlag(cmd, &f.format, "format", "text", "output format: text, json or sarif", lintFormats)
	choiceFlag(cmd, &f.failOn, "fail-on", "security", "exit 1 for a finding at least this grave: error, security, warning or suggestion", severityNames)
	cmd.Flags().StringArrayVar(&f.ignore, "ignore", nil, "silence a check: CODE, CODE@SID, FILE:CODE or FILE:CODE@SID (repeatable)")
	return cmd
}

// fileIgnore is one --ignore: a check, for one Sid or all, in one file or
// all ("").
type fileIgnore struct {
	file string
	lint.Ignore
}

// parseIgnore parses FILE:CODE@SID, where FILE: and @SID are optional.
// Codes and Sids contain no colon, so the file is what precedes the last
// one.
func parseIgnore(s string) (fileIgnore, error) {
	var ig fileIgnore
	rest := s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		ig.file, rest = filepath.Clean(s[:i]), s[i+1:]
	}
	ig.Code, ig.Sid, _ = strings.Cut(rest, "@")
	if _, ok := lint.LookupRule(ig.Code); !ok {
		return ig, fmt.Errorf("--ignore %q: unknown check %q", s, ig.Code)
	}
	return ig, nil
}

// fileFindings are the findings of one file.
type fileFindings struct {
	file     string
	findings []lint.Finding
}

func (e *env) lint(f *lintFlags, args []string) error {
	const name = "policy lint"
	popt, _, err := f.parseOpts()
	if err != nil {
		return usageError(name, err)
	}
	failOn, err := lint.ParseSeverity(f.failOn)
	if err != nil {
		return usageError(name, fmt.Errorf("--fail-on: %w", err))
	}
	var typ lint.PolicyType
	if f.typ != "" {
		if typ, err = lint.ParsePolicyType(f.typ); err != nil {
			return usageError(name, fmt.Errorf("--type: %w", err))
		}
	}
	var ignores []fileIgnore
	for _, s := range f.ignore {
		ig, err := parseIgnore(s)
		if err != nil {
			return usageError(name, err)
		}
		ignores = append(ignores, ig)
	}
	if err := checkChoice("format", f.format, lintFormats); err != nil {
		return usageError(name, err)
	}
	files, err := expandDirs(args)
	if err != nil {
		return &exitError{exitInput, fmt.Errorf("%s: %w", name, err)}
	}
	var (
		results []fileFindings
		failed  []string // files that could not be read
	)
	for _, name := range files {
		data, err := e.readFile(name)
		if err != nil {
			failed = append(failed, name+": "+oneLine(err.Error()))
			continue
		}
		opts := func(o *lint.Options) {
			o.Type = typ
			applyParseOptions(o, popt)
			for _, ig := range ignores {
				if ig.file == "" || ig.file == filepath.Clean(name) {
					o.Ignore = append(o.Ignore, ig.Ignore)
				}
			}
		}
		results = append(results, fileFindings{file: name, findings: lint.CheckJSON(data, opts)})
	}
	switch f.format {
	case "text":
		e.lintText(results)
	case "json":
		err = writeJSON(e.stdout, jsonFindings(results), true)
	case "sarif":
		err = writeJSON(e.stdout, sarifLog(results), true)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(failed) > 0 {
		return &exitError{exitInput, fmt.Errorf("%s: %s", name, strings.Join(failed, "; "))}
	}
	for _, r := range results {
		for _, fd := range r.findings {
			if fd.Severity >= failOn {
				return &silentError{code: exitFailure}
			}
		}
	}
	return nil
}

// applyParseOptions copies the dialect and size limit of the policy flags.
func applyParseOptions(o *lint.Options, popt func(*policy.ParseOptions)) {
	var p policy.ParseOptions
	popt(&p)
	o.Dialect, o.MaxSize = p.Dialect, p.MaxSize
}

func (e *env) lintText(results []fileFindings) {
	var count [lint.Error + 1]int
	total := 0
	for _, r := range results {
		if len(r.findings) == 0 {
			fmt.Fprintf(e.stdout, "%s: no findings\n", r.file)
			continue
		}
		for _, fd := range r.findings {
			count[fd.Severity]++
			total++
			loc := r.file
			if fd.Line > 0 {
				loc += fmt.Sprintf(":%d:%d", fd.Line, fd.Column)
			}
			line := fmt.Sprintf("%s: %s %s", loc, fd.Severity, fd.Code)
			if fd.Path != "" {
				line += " " + fd.Path
			}
			line += ": " + fd.Message
			if fd.Fix != nil {
				line += fmt.Sprintf(" (fix: %q → %q)", fd.Fix.Old, fd.Fix.New)
			}
			fmt.Fprintln(e.stdout, oneLine(line))
		}
	}
	if total > 0 {
		fmt.Fprintf(e.stdout, "%s in %s: %s, %s, %s, %s\n", plural(total, "finding"), plural(len(results), "file"),
			plural(count[lint.Error], "error"), plural(count[lint.SecurityWarning], "security warning"),
			plural(count[lint.Warning], "warning"), plural(count[lint.Suggestion], "suggestion"))
	}
}

// plural returns "1 file" or "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// jsonFinding is a finding of --format json.
type jsonFinding struct {
	File string `json:"file"`
	lint.Finding
}

// jsonFindings lists the findings of every file, for --format json.
func jsonFindings(results []fileFindings) []jsonFinding {
	out := []jsonFinding{}
	for _, r := range results {
		for _, fd := range r.findings {
			out = append(out, jsonFinding{File: r.file, Finding: fd})
		}
	}
	return out
}

// The SARIF 2.1.0 subset policy lint writes.
type (
	sarifDoc struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool    sarifTool     `json:"tool"`
		Results []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string          `json:"id"`
		Name                 string          `json:"name"`
		ShortDescription     sarifText       `json:"shortDescription"`
		FullDescription      sarifText       `json:"fullDescription"`
		Help                 sarifText       `json:"help"`
		DefaultConfiguration sarifConfig     `json:"defaultConfiguration"`
		Properties           sarifProperties `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifProperties struct {
		Tags             []string `json:"tags"`
		SecuritySeverity string   `json:"security-severity,omitempty"`
	}
	sarifResult struct {
		RuleID    string          `json:"ruleId"`
		RuleIndex int             `json:"ruleIndex"`
		Level     string          `json:"level"`
		Message   sarifText       `json:"message"`
		Locations []sarifLocation `json:"locations"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical  `json:"physicalLocation"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
	}
	sarifLogical struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
)

// sarifLevel maps a severity to a SARIF level; security warnings are
// errors for code scanning, with a security-severity on their rule.
func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error, lint.SecurityWarning:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "note"
}

func sarifLog(results []fileFindings) sarifDoc {
	rules := lint.Rules()
	index := map[string]int{}
	driver := sarifDriver{Name: "astran policy lint", InformationURI: "https://github.com/astran-oss/astran-go/blob/main/doc/lint.md"}
	for i, r := range rules {
		index[r.Code] = i
		props := sarifProperties{Tags: []string{"iam", "policy", r.Severity.String()}}
		if r.Severity == lint.SecurityWarning {
			props.Tags = append(props.Tags, "security")
			props.SecuritySeverity = "7.5"
		}
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.Code, Name: ruleName(r.Code),
			ShortDescription:     sarifText{r.Title},
			FullDescription:      sarifText{r.Explanation},
			Help:                 sarifText{r.Explanation},
			DefaultConfiguration: sarifConfig{sarifLevel(r.Severity)},
			Properties:           props,
		})
	}
	run := sarifRun{Tool: sarifTool{Driver: driver}, Results: []sarifResult{}}
	for _, r := range results {
		uri := filepath.ToSlash(r.file)
		if r.file == "-" {
			uri = "stdin"
		}
		for _, fd := range r.findings {
			msg := fd.Message
			if fd.Fix != nil {
				msg += fmt.Sprintf(" (fix: %q → %q)", fd.Fix.Old, fd.Fix.New)
			}
			loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}}
			if fd.Line > 0 {
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: fd.Line, StartColumn: fd.Column}
			}
			if fd.Path != "" {
				loc.LogicalLocations = []sarifLogical{{FullyQualifiedName: fd.Path, Kind: "element"}}
			}
			run.Results = append(run.Results, sarifResult{
				RuleID: fd.Code, RuleIndex: index[fd.Code], Level: sarifLevel(fd.Severity),
				Message: sarifText{msg}, Locations: []sarifLocation{loc},
			})
		}
	}
	return sarifDoc{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
}

// ruleName turns UNKNOWN_ACTION into UnknownAction, SARIF's rule name style.
func ruleName(code string) string {
	parts := strings.Split(strings.ToLower(code), "_")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}
