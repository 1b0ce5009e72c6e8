package jsonpath

import "testing"

func TestString(t *testing.T) {
	st := Statement(2)
	cond := st.Field("Condition")
	op := cond.Field("DateGreaterThan")
	odd := cond.Field("String Equals")
	list := st.Field("Action")
	var nilPath *Path
	tests := []struct {
		p    *Path
		want string
	}{
		{nilPath, ""},
		{&st, "Statement[2]"},
		{func() *Path { p := op.Field("aws:CurrentTime"); return &p }(), "Statement[2].Condition.DateGreaterThan.aws:CurrentTime"},
		{func() *Path { p := op.Quoted("aws:CurrentTime"); return &p }(), `Statement[2].Condition.DateGreaterThan["aws:CurrentTime"]`},
		{&odd, `Statement[2].Condition["String Equals"]`},
		{func() *Path { p := list.Elem(0, 1); return &p }(), "Statement[2].Action"},
		{func() *Path { p := list.Elem(1, 3); return &p }(), "Statement[2].Action[1]"},
		{func() *Path { p := Top("Version"); return &p }(), "Version"},
		{func() *Path { p := Top(""); return &p }(), `[""]`},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
