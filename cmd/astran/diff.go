package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/catalog"
	"github.com/astran-oss/astran-go/policy"
)

// diffFlags are the flags of policy diff and policy check-no-new-access.
type diffFlags struct {
	policyFlags
	format string
}

func (f *diffFlags) add(cmd *cobra.Command) {
	f.policyFlags.add(cmd)
	choiceFlag(cmd, &f.format, "format", "text", "output format: text or json", textFormats)
}

func (e *env) diffCommand() *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "diff BEFORE AFTER",
		Short: "Show which requests a policy change allows or denies",
		Long: `Compare two sets of identity policies over every possible request and print
the regions of requests whose decision changes: newly allowed or newly denied,
as action patterns, resource patterns and condition constraints, each with a
witness request that the engine decides differently.

BEFORE and AFTER are policy files or directories (every *.json file in the
directory). The analysis is exact for actions, resources, principals and
conditions on single-valued keys of the String, Arn, Bool, Null, Numeric,
Date and IpAddress families; regions that depend on what it does not model
exactly (set operators, policy variables) say "may change".

With --format json the output is an array with one object per region:
  {"change":"NewlyAllowed|NewlyDenied","exact":true,"actions":{…},
   "resources":{…},"conditions":[…],"notes":[…],
   "witness":{"action":…,"resource":…,"context":{…}},
   "before":{"decision":…,"matchedStatements":[…]},"after":{…}}
The witness is a request that "astran policy simulate --request" accepts.`,
		Example: `  astran policy diff main/policies pr/policies
  astran policy diff --format json reader.json reader-v2.json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			regions, err := e.diffSets(&f, args[0], args[1])
			if err != nil {
				return fmt.Errorf("policy diff: %w", err)
			}
			return e.writeRegions(f.format, regions, "no change")
		},
	}
	f.add(cmd)
	return cmd
}

func (e *env) checkNoNewAccessCommand() *cobra.Command {
	var f diffFlags
	cmd := &cobra.Command{
		Use:   "check-no-new-access BEFORE AFTER",
		Short: "Fail when a policy change allows anything that was not allowed",
		Long: `Compare two sets of identity policies (files or directories of *.json files)
and fail when AFTER allows any request that BEFORE does not. The regions of
new access are printed with a witness request each, as by "astran policy
diff". Regions the analysis cannot decide exactly count as new access.

Exit status: 0 when AFTER grants nothing new, 1 when it does, 2 when the
policies cannot be read or analysed.`,
		Example: `  astran policy check-no-new-access origin/main/policies policies
  git show main:policies/reader.json > /tmp/before.json && astran policy check-no-new-access /tmp/before.json policies/reader.json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			regions, err := e.diffSets(&f, args[0], args[1])
			if err != nil {
				return &exitError{code: exitInput, err: fmt.Errorf("policy check-no-new-access: %w", err)}
			}
			var added []policy.Region
			for _, r := range regions {
				if r.Change == policy.NewlyAllowed {
					added = append(added, r)
				}
			}
			if err := e.writeRegions(f.format, added, "no new access"); err != nil {
				return err
			}
			if len(added) > 0 {
				if f.format != "json" {
					fmt.Fprintf(e.stderr, "astran: policy check-no-new-access: %s grants access that %s does not (%d regions)\n", args[1], args[0], len(added))
				}
				return &silentError{code: exitFailure}
			}
			return nil
		},
	}
	f.add(cmd)
	return cmd
}

// diffSets loads both sets and diffs them.
func (e *env) diffSets(f *diffFlags, before, after string) ([]policy.Region, error) {
	if err := checkChoice("format", f.format, textFormats); err != nil {
		return nil, err
	}
	popt, copt, err := f.parseOpts()
	if err != nil {
		return nil, err
	}
	var sets [2]*policy.Set
	for i, name := range []string{before, after} {
		sets[i], err = e.loadSet(name, popt, copt)
		if err != nil {
			return nil, err
		}
	}
	return policy.Diff(sets[0], sets[1], func(o *policy.DiffOptions) { o.Actions = catalogActions() })
}

// catalogActions returns the names of the catalog's actions, which make
// readable witnesses.
func catalogActions() []string {
	var out []string
	for svc := range catalog.Services() {
		for a := range svc.Actions() {
			out = append(out, a.Name())
		}
	}
	return out
}

// loadSet compiles the policy file name, or every *.json file of the
// directory name; each policy is named by its file name.
func (e *env) loadSet(name string, popt func(*policy.ParseOptions), copt func(*policy.CompileOptions)) (*policy.Set, error) {
	files, _, err := policyFiles(name)
	if err != nil {
		return nil, err
	}
	policies := make([]policy.Policy, 0, len(files))
	for _, file := range files {
		data, err := e.readFile(file)
		if err != nil {
			return nil, err
		}
		doc, err := policy.Parse(data, popt)
		if err != nil {
			return nil, errors.New(strings.Join(problems(file, err), "; "))
		}
		policies = append(policies, policy.Policy{ID: file, Document: doc})
	}
	return policy.Compile(policies, copt)
}

// regionOutput is the JSON form of a region.
type regionOutput struct {
	Change     policy.Change          `json:"change"`
	Exact      bool                   `json:"exact"`
	Actions    policy.Patterns        `json:"actions"`
	Resources  policy.Patterns        `json:"resources"`
	Principals *policy.Patterns       `json:"principals,omitempty"`
	Conditions []policy.KeyConstraint `json:"conditions,omitempty"`
	Notes      []string               `json:"notes,omitempty"`
	Witness    *requestOutput         `json:"witness"`
	Before     *simulateOutput        `json:"before,omitempty"`
	After      *simulateOutput        `json:"after,omitempty"`
}

// requestOutput is a request in the format policy simulate reads.
type requestOutput struct {
	Principal string         `json:"principal,omitempty"`
	Action    string         `json:"action"`
	Resource  string         `json:"resource"`
	Context   map[string]any `json:"context,omitempty"`
}

func requestJSON(r *policy.Request) *requestOutput {
	out := &requestOutput{Principal: r.Principal, Action: r.Action, Resource: r.Resource}
	for k, v := range r.Context.Map() {
		if out.Context == nil {
			out.Context = map[string]any{}
		}
		if len(v) == 1 {
			out.Context[k] = v[0]
		} else {
			out.Context[k] = v
		}
	}
	return out
}

func (e *env) writeRegions(format string, regions []policy.Region, none string) error {
	if format == "json" {
		out := make([]regionOutput, 0, len(regions))
		for _, r := range regions {
			o := regionOutput{Change: r.Change, Exact: r.Exact, Actions: r.Actions, Resources: r.Resources,
				Conditions: r.Conditions, Notes: r.Notes}
			if !r.Principals.IsAny() {
				o.Principals = &r.Principals
			}
			if r.Witness != nil {
				o.Witness = requestJSON(r.Witness)
				b, a := resultOutput(r.Before), resultOutput(r.After)
				o.Before, o.After = &b, &a
			}
			out = append(out, o)
		}
		return writeJSON(e.stdout, out, true)
	}
	if len(regions) == 0 {
		fmt.Fprintln(e.stdout, none)
		return nil
	}
	for i, r := range regions {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		writeRegionText(e.stdout, &r)
	}
	return nil
}

func writeRegionText(w io.Writer, r *policy.Region) {
	verb := r.Change.String()
	if !r.Exact {
		verb = "may be " + verb
	}
	fmt.Fprintf(w, "%s: %s on %s\n", verb, r.Actions, r.Resources)
	if !r.Principals.IsAny() {
		fmt.Fprintf(w, "  principal: %s\n", r.Principals)
	}
	for _, c := range r.Conditions {
		fmt.Fprintf(w, "  when %s\n", c)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	if r.Witness == nil {
		return
	}
	fmt.Fprintf(w, "  witness: %s %s", r.Witness.Action, r.Witness.Resource)
	if r.Witness.Principal != "" {
		fmt.Fprintf(w, " by %s", r.Witness.Principal)
	}
	for _, k := range r.Witness.Context.Keys() {
		v, _ := r.Witness.Context.Get(k)
		fmt.Fprintf(w, " %s=%s", k, strings.Join(v, ","))
	}
	fmt.Fprintf(w, "\n  before: %s%s\n  after:  %s%s\n", r.Before.Decision, statements(r.Before), r.After.Decision, statements(r.After))
}

func statements(r policy.Result) string {
	if len(r.Statements) == 0 {
		return ""
	}
	var parts []string
	for _, s := range r.Statements {
		p := fmt.Sprintf("%s statement %d", s.Policy, s.Index)
		if s.Sid != "" {
			p += " (" + s.Sid + ")"
		}
		parts = append(parts, p)
	}
	return " by " + strings.Join(parts, ", ")
}
