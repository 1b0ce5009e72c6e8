package catalog_test

import (
	"slices"
	"testing"

	"github.com/astran-oss/astran-go/catalog"
)

func TestLookupAction(t *testing.T) {
	tests := []struct {
		name     string
		exact    bool
		fold     string // the right-cased name found case-insensitively; "" for none
		level    catalog.AccessLevel
		resTypes []string
	}{
		{"s3:GetObject", true, "s3:GetObject", catalog.Read, []string{"object"}},
		{"s3:getobject", false, "s3:GetObject", catalog.Read, nil},
		{"S3:GETOBJECT", false, "s3:GetObject", catalog.Read, nil},
		{"s3:ListBucket", true, "s3:ListBucket", catalog.List, []string{"bucket"}},
		{"s3:ListAllMyBuckets", true, "s3:ListAllMyBuckets", catalog.List, []string{}},
		{"iam:PassRole", true, "iam:PassRole", catalog.Write, []string{"role"}},
		{"iam:CreatePolicyVersion", true, "iam:CreatePolicyVersion", catalog.PermissionsManagement, []string{"policy"}},
		{"iam:ListUsers", true, "iam:ListUsers", catalog.List, []string{}},
		{"sts:AssumeRoleWithWebIdentity", true, "sts:AssumeRoleWithWebIdentity", catalog.Write, []string{"role"}},
		{"s3:GetObjekt", false, "", 0, nil},
		{"s3:PutBucketPolicy", false, "", 0, nil}, // AWS only
		{"iam:CreateSAMLProvider", false, "", 0, nil},
		{"s4:Get", false, "", 0, nil},
		{"", false, "", 0, nil},
		{"s3:", false, "", 0, nil},
		{"ck:GetKit", false, "", 0, nil}, // open service: no list
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, ok := catalog.LookupAction(tc.name)
			if ok != tc.exact {
				t.Fatalf("LookupAction ok = %v, want %v", ok, tc.exact)
			}
			f, fok := catalog.LookupActionFold(tc.name)
			if fok != (tc.fold != "") || f.Name() != tc.fold {
				t.Fatalf("LookupActionFold = %q, %v; want %q", f.Name(), fok, tc.fold)
			}
			if !ok {
				if a.IsValid() || a.Name() != "" {
					t.Errorf("failed lookup returned %q", a.Name())
				}
				return
			}
			if a.AccessLevel() != tc.level {
				t.Errorf("AccessLevel = %v, want %v", a.AccessLevel(), tc.level)
			}
			got := []string{}
			for rt := range a.ResourceTypes() {
				got = append(got, rt.Name())
			}
			if tc.resTypes != nil && !slices.Equal(got, tc.resTypes) {
				t.Errorf("ResourceTypes = %v, want %v", got, tc.resTypes)
			}
		})
	}
}

func TestLookupAWSOnlyAction(t *testing.T) {
	for name, want := range map[string]string{
		"s3:putbucketpolicy":     "s3:PutBucketPolicy",
		"iam:CreateSAMLProvider": "iam:CreateSAMLProvider",
		"s3:GetObject":           "",
		"s3:Nope":                "",
	} {
		got, ok := catalog.LookupAWSOnlyAction(name)
		if got != want || ok != (want != "") {
			t.Errorf("LookupAWSOnlyAction(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestServices(t *testing.T) {
	var prefixes []string
	for s := range catalog.Services() {
		prefixes = append(prefixes, s.Prefix())
		n := 0
		for a := range s.Actions() {
			if a.Service() != s {
				t.Errorf("%s: service %s", a.Name(), a.Service().Prefix())
			}
			n++
		}
		for rt := range s.ResourceTypes() {
			if rt.Service() != s {
				t.Errorf("%s: service %s", rt.Name(), rt.Service().Prefix())
			}
		}
		if s.Open() != (n == 0) {
			t.Errorf("%s: open %v with %d actions", s.Prefix(), s.Open(), n)
		}
	}
	if !slices.Equal(prefixes, []string{"ck", "iam", "s3", "sts"}) {
		t.Errorf("Services = %v", prefixes)
	}
	s3, ok := catalog.LookupService("s3")
	if !ok {
		t.Fatal("no s3")
	}
	n := 0
	for range s3.Actions() {
		n++
	}
	if n != 16 {
		t.Errorf("s3 has %d actions, Astran lists 16", n)
	}
	if _, ok := catalog.LookupService("S3"); ok {
		t.Error("LookupService is case-sensitive")
	}
	var zero catalog.Service
	if zero.IsValid() || zero.Prefix() != "" {
		t.Error("zero Service is valid")
	}
	if (catalog.Action{}).Service() != zero || (catalog.ResourceType{}).Service() != zero {
		t.Error("zero Action or ResourceType has a service")
	}
}

func TestLookupConditionKey(t *testing.T) {
	tests := []struct {
		name, canonical string
		typ             catalog.KeyType
		multi, global   bool
		always, web     bool
	}{
		{"aws:SourceIp", "aws:SourceIp", catalog.TypeIPAddress, false, true, false, false},
		{"AWS:sourceip", "aws:SourceIp", catalog.TypeIPAddress, false, true, false, false},
		{"aws:CurrentTime", "aws:CurrentTime", catalog.TypeDate, false, true, true, false},
		{"aws:EpochTime", "aws:EpochTime", catalog.TypeDate | catalog.TypeNumeric, false, true, true, false},
		{"aws:SecureTransport", "aws:SecureTransport", catalog.TypeBool, false, true, true, false},
		{"aws:username", "aws:username", catalog.TypeString, false, true, false, false},
		{"aws:TagKeys", "aws:TagKeys", catalog.TypeString, true, false, false, false},
		{"aws:RequestTag/role", "aws:RequestTag/${TagKey}", catalog.TypeString, false, false, false, false},
		{"aws:PrincipalTag/team", "aws:PrincipalTag/${TagKey}", catalog.TypeString, false, true, false, false},
		{"s3:ExistingObjectTag/x", "s3:ExistingObjectTag/<key>", catalog.TypeString, false, false, false, false},
		{"s3:prefix", "s3:prefix", catalog.TypeString, false, false, false, false},
		{"iam:PermissionsBoundary", "iam:PermissionsBoundary", catalog.TypeARN, false, false, false, false},
		{"astran.cloud-iam.com/auth/realms/demo:aud", "${Provider}:aud", catalog.TypeString, false, false, false, true},
		{"aws:SourceIpp", "", 0, false, false, false, false},
		{"aws:RequestTag/", "", 0, false, false, false, false},
		{"ec2:Region", "", 0, false, false, false, false},
		{"", "", 0, false, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, ok := catalog.LookupConditionKey(tc.name)
			if ok != (tc.canonical != "") || k.Name() != tc.canonical {
				t.Fatalf("LookupConditionKey = %q, %v; want %q", k.Name(), ok, tc.canonical)
			}
			if !ok {
				return
			}
			if k.Type() != tc.typ || k.Multivalued() != tc.multi || k.Global() != tc.global ||
				k.AlwaysPresent() != tc.always || k.WebIdentity() != tc.web {
				t.Errorf("got type %v multi %v global %v always %v web %v", k.Type(), k.Multivalued(), k.Global(), k.AlwaysPresent(), k.WebIdentity())
			}
		})
	}
}

func TestAction_HasConditionKey(t *testing.T) {
	tests := []struct {
		action, key string
		want        bool
	}{
		{"s3:ListBucket", "s3:prefix", true},
		{"s3:GetObject", "s3:prefix", false},
		{"s3:GetObject", "aws:SourceIp", true},
		{"s3:PutObject", "s3:x-amz-server-side-encryption", true},
		{"iam:AttachUserPolicy", "iam:PolicyARN", true},
		{"iam:CreateUser", "iam:PermissionsBoundary", true},
		{"iam:GetUser", "iam:PermissionsBoundary", false},
		{"sts:AssumeRoleWithWebIdentity", "idp.example.com:aud", true},
		{"sts:AssumeRole", "idp.example.com:aud", false},
		{"sts:TagSession", "aws:RequestTag/role", true},
	}
	for _, tc := range tests {
		a, _ := catalog.LookupAction(tc.action)
		k, _ := catalog.LookupConditionKey(tc.key)
		if got := a.HasConditionKey(k); got != tc.want {
			t.Errorf("%s.HasConditionKey(%s) = %v, want %v", tc.action, tc.key, got, tc.want)
		}
	}
}

func TestResourceType_MayMatch(t *testing.T) {
	rt := func(svc, name string) catalog.ResourceType {
		s, _ := catalog.LookupService(svc)
		for r := range s.ResourceTypes() {
			if r.Name() == name {
				return r
			}
		}
		t.Fatalf("no %s %s", svc, name)
		return catalog.ResourceType{}
	}
	bucket, object, user, role := rt("s3", "bucket"), rt("s3", "object"), rt("iam", "user"), rt("iam", "role")
	tests := []struct {
		typ     catalog.ResourceType
		pattern string
		want    bool
	}{
		{bucket, "arn:demo:s3:::team-data", true},
		{bucket, "arn:demo:s3:::team-data/*", false},
		{object, "arn:demo:s3:::team-data/*", true},
		{object, "arn:demo:s3:::team-data", false},
		{bucket, "arn:demo:s3:::team-*", true},
		{object, "arn:demo:s3:::team-*", true},
		{bucket, "arn:demo:s3:::*", true},
		{bucket, "*", true},
		{bucket, "arn:demo:s3:us-east-1:123:team", false},
		{bucket, "arn:demo:iam::123:user/bob", false},
		{object, "arn:demo:s3:::user-buckets/${aws:username}/*", true},
		{bucket, "arn:demo:s3:::b?", true},
		{user, "arn:demo:iam::123:user/bob@astran.io", true},
		{user, "arn:demo:iam::123:user/team/bob@astran.io", true},
		{user, "arn:demo:iam::123:role/admin", false},
		{role, "arn:demo:iam::*:role/*", true},
		{user, "arn:demo:iam:::user/bob", false},
		{user, "arn:*", true},
		{catalog.ResourceType{}, "*", false},
	}
	for _, tc := range tests {
		if got := tc.typ.MayMatch(tc.pattern); got != tc.want {
			t.Errorf("%s.MayMatch(%q) = %v, want %v", tc.typ.Name(), tc.pattern, got, tc.want)
		}
	}
}

func TestKeyType_String(t *testing.T) {
	for typ, want := range map[catalog.KeyType]string{
		catalog.TypeString: "String", catalog.TypeDate | catalog.TypeNumeric: "Date|Numeric", 0: "unknown",
	} {
		if got := typ.String(); got != want {
			t.Errorf("%d: %q, want %q", typ, got, want)
		}
	}
}

func TestSource(t *testing.T) {
	if catalog.Source == "" || len(catalog.SourceDate) != len("2006-01-02") {
		t.Errorf("Source %q, SourceDate %q", catalog.Source, catalog.SourceDate)
	}
}
