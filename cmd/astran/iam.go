package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/spf13/cobra"

	"github.com/astran-oss/astran-go/access"
	"github.com/astran-oss/astran-go/endpoint"
	"github.com/astran-oss/astran-go/iamclient"
	"github.com/astran-oss/astran-go/policy"
	"github.com/astran-oss/astran-go/principal"
	"github.com/astran-oss/astran-go/principal/iamstore"
)

// iamFlags name the account an iam subcommand analyses.
type iamFlags struct {
	fixture   string
	profile   string
	partition string
	format    string
}

func (f *iamFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.fixture, "fixture", "", "a principal fixture file (JSON or YAML) describing the account")
	cmd.Flags().StringVar(&f.profile, "profile", "", "analyse the live partition reached with this AWS profile's credentials")
	cmd.Flags().StringVarP(&f.partition, "partition", "p", "", "with --profile: the partition, for the default IAM endpoint (or set ASTRAN_IAM_ENDPOINT)")
	choiceFlag(cmd, &f.format, "format", "text", "output format: text or json", textFormats)
	cmd.MarkFlagsMutuallyExclusive("fixture", "profile")
	cmd.MarkFlagsOneRequired("fixture", "profile")
	_ = cmd.MarkFlagFilename("fixture", "json", "yaml", "yml")
}

func (e *env) iamCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "iam",
		Short: "Ask who can do what in an account, and who can make themselves admin",
		Long: `Analyse an account's users, groups, roles and policies as a whole: who may
perform an action on a resource, and which identities can give themselves
administrator access through IAM calls they are allowed to make.

The account is a principal fixture file (--fixture) or a live partition
(--profile, with the credentials of that AWS profile; the IAM endpoint comes
from ASTRAN_IAM_ENDPOINT, the profile's endpoint settings, or --partition).`,
		Example: `  astran iam who-can --fixture account.json s3:DeleteObject arn:demo:s3:::reports/q1.csv
  astran iam escalations --profile astran-admin -p demo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(e.whoCanCommand(), e.escalationsCommand())
	return cmd
}

func (e *env) whoCanCommand() *cobra.Command {
	var f iamFlags
	cmd := &cobra.Command{
		Use:   "who-can ACTION RESOURCE",
		Short: "List the users and roles allowed an action on a resource",
		Long: `List the users and roles that may perform ACTION on RESOURCE, with the
statements that allow it (their own, their groups', and their permissions
boundary's) and the conditions left open: conditions on keys that the
identity does not determine (source address, time, request tags, …) are
shown with the statement they belong to. Deny statements that apply under
open conditions are listed as "unless". The account's root is not listed.

With --format json the output is an array with one object per identity:
  {"identity":"arn:…","kind":"user|role","conditional":false,
   "allow":[{"policy":"arn:…","via":"arn:…","sid":"…","index":0,"effect":"Allow","conditions":{…}}],
   "boundary":[…],"mayDeny":[…],"assumableBy":[…]}`,
		Example: `  astran iam who-can --fixture testdata/iam/tutorial.json s3:PutObject arn:demo:s3:::test/report.csv
  astran iam who-can --profile astran-admin -p demo --format json iam:CreateUser '*'`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return iamReport(cmd, e, &f, func(ctx context.Context, a *access.Analyzer) ([]access.Grant, error) {
				return a.WhoCan(ctx, args[0], args[1])
			}, fmt.Sprintf("nobody may %s on %s", args[0], args[1]), writeGrant)
		},
	}
	f.add(cmd)
	return cmd
}

func (e *env) escalationsCommand() *cobra.Command {
	var f iamFlags
	cmd := &cobra.Command{
		Use:   "escalations",
		Short: "List the identities that can make themselves administrators",
		Long: `For every user and role that is not an administrator (allowed every IAM,
S3 and STS action on every resource) but can become one, print the shortest
chain of IAM calls it is allowed to make that ends with administrator access,
step by step with the statement that allows each step. The calls considered:
attaching AstranAdmin or writing an inline policy to oneself or a group one is
in, joining a group, a new default version of a customer-managed policy that
applies to oneself, removing or widening one's permissions boundary, creating
another user's access key, and rewriting a role's trust policy for an identity
provider one creates. Identities without such a chain are not listed.

With --format json the output is an array with one object per path:
  {"identity":"arn:…","gains":"…","steps":[{"as":"arn:…","action":"iam:…",
   "resource":"arn:…","params":{…},"allowedBy":[…],"effect":"…"}]}
The exit status is 0 whether or not paths are found.`,
		Example: `  astran iam escalations --fixture testdata/iam/tutorial.json
  astran iam escalations --profile astran-admin -p demo --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return iamReport(cmd, e, &f, func(ctx context.Context, a *access.Analyzer) ([]access.Path, error) {
				return a.Escalations(ctx)
			}, "no escalation path", writePath)
		},
	}
	f.add(cmd)
	return cmd
}

// iamReport runs one analysis of the account f names and prints its
// results: a JSON array with --format json, else each result with write, or
// the line none when there is none.
func iamReport[T any](cmd *cobra.Command, e *env, f *iamFlags, query func(context.Context, *access.Analyzer) ([]T, error), none string, write func(io.Writer, *T)) error {
	a, err := e.analyzer(cmd.Context(), f)
	if err != nil {
		return fmt.Errorf("iam %s: %w", cmd.Name(), err)
	}
	results, err := query(cmd.Context(), a)
	if err != nil {
		return fmt.Errorf("iam %s: %w", cmd.Name(), err)
	}
	if f.format == "json" {
		if results == nil {
			results = []T{}
		}
		return writeJSON(e.stdout, results, true)
	}
	if len(results) == 0 {
		fmt.Fprintln(e.stdout, none)
	}
	for i := range results {
		write(e.stdout, &results[i])
	}
	return nil
}

// analyzer opens the account that f names.
func (e *env) analyzer(ctx context.Context, f *iamFlags) (*access.Analyzer, error) {
	if err := checkChoice("format", f.format, textFormats); err != nil {
		return nil, err
	}
	if f.fixture != "" {
		store, err := principal.LoadFixture(f.fixture)
		if err != nil {
			return nil, err
		}
		return access.New(store), nil
	}
	var opts []func(*config.LoadOptions) error
	opts = append(opts, config.WithSharedConfigProfile(f.profile))
	if p := e.getenv("AWS_CONFIG_FILE"); p != "" {
		opts = append(opts, config.WithSharedConfigFiles([]string{p}))
	}
	if p := e.getenv("AWS_SHARED_CREDENTIALS_FILE"); p != "" {
		opts = append(opts, config.WithSharedCredentialsFiles([]string{p}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("profile %q: %w", f.profile, err)
	}
	ep, err := endpoint.Resolve(func(o *endpoint.Options) {
		o.Partition, o.Config, o.Getenv = f.partition, &cfg, e.getenv
	})
	if err != nil {
		return nil, err
	}
	if ep.IAM == "" {
		return nil, fmt.Errorf("profile %q: no IAM endpoint: give --partition or set ASTRAN_IAM_ENDPOINT", f.profile)
	}
	api := iam.NewFromConfig(ep.AWSConfig(cfg.Credentials))
	return access.New(access.NewIAMDirectory(api, iamstore.New(iamclient.New(aws.Config{}, func(o *iamclient.Options) { o.API = api })))), nil
}

func writeGrant(w io.Writer, g *access.Grant) {
	note := ""
	if g.Conditional {
		note = ", under conditions"
	}
	fmt.Fprintf(w, "%s (%s%s)\n", g.Identity, g.Kind, note)
	for _, s := range g.Allow {
		fmt.Fprintf(w, "  allowed by %s%s\n", s, conditionText(s.Open))
	}
	for _, s := range g.Boundary {
		fmt.Fprintf(w, "  within %s%s\n", s, conditionText(s.Open))
	}
	for _, s := range g.MayDeny {
		fmt.Fprintf(w, "  unless %s%s\n", s, conditionText(s.Open))
	}
	for _, t := range g.AssumableBy {
		fmt.Fprintf(w, "  assumable by %s (%s)%s\n", strings.Join(t.Principal, ", "), strings.Join(t.Actions, ", "), conditionText(t.Conditions))
	}
}

// conditionText renders open conditions as " when OP KEY VALUES and …".
func conditionText(c policy.Condition) string {
	if len(c) == 0 {
		return ""
	}
	var parts []string
	for op, keys := range c {
		for k, vals := range keys {
			parts = append(parts, fmt.Sprintf("%s %s %s", k, op, strings.Join(vals, "|")))
		}
	}
	sort.Strings(parts)
	return " when " + strings.Join(parts, " and ")
}

func writePath(w io.Writer, p *access.Path) {
	fmt.Fprintf(w, "%s gains %s\n", p.Identity, p.Gains)
	for i, s := range p.Steps {
		var params []string
		for k, v := range s.Params {
			if k == "PolicyDocument" {
				v = "…"
			}
			params = append(params, k+"="+v)
		}
		sort.Strings(params)
		fmt.Fprintf(w, "  %d. as %s: %s on %s (%s)\n", i+1, s.As.Resource, s.Action, s.Resource, strings.Join(params, " "))
		fmt.Fprintf(w, "     %s\n", s.Effect)
		for _, a := range s.AllowedBy {
			fmt.Fprintf(w, "     allowed by %s%s\n", a, conditionText(a.Open))
		}
	}
}
