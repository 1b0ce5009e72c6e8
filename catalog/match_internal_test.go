package catalog

import "testing"

// FuzzMayMatch checks MayMatch's fast paths against the exhaustive
// product of pattern and format positions, for every resource type.
func FuzzMayMatch(f *testing.F) {
	for _, p := range []string{
		"arn:demo:s3:::team-data/*", "arn:demo:s3:::b", "arn:*", "*", "arn:demo:iam::*:user/*",
		"arn:demo:s3:::${aws:username}/?", "arn:demo:iam::a:role/x:y", "arn:demo:s3:us-east-1::b", "",
		"arn:demo:s3:::a*b/c?d", "arn:${x}:iam::1:oidc-provider/h/p", "arn:demo:s3:::\x00",
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if len(p) > 200 {
			return
		}
		for i := range compiled {
			c := &compiled[i]
			if got, want := walk(p, &c.all), product(p, c.all.tokens); got != want {
				t.Fatalf("%s: walk(%q) = %v, product = %v", resourceTypes[i].arn, p, got, want)
			}
			rt := ResourceType{uint16(i + 1)}
			if got, want := rt.MayMatch(p), product(p, c.all.tokens); got != want {
				t.Fatalf("%s: MayMatch(%q) = %v, product = %v", resourceTypes[i].arn, p, got, want)
			}
		}
	})
}
