package types

import "slices"

// Clone returns a deep copy of d.
func (d *Document) Clone() *Document {
	if d == nil {
		return nil
	}
	out := &Document{Version: d.Version, ID: d.ID}
	if d.Statements != nil {
		out.Statements = make([]Statement, len(d.Statements))
		for i := range d.Statements {
			out.Statements[i] = d.Statements[i].Clone()
		}
	}
	return out
}

// Clone returns a deep copy of s.
func (s Statement) Clone() Statement {
	out := s
	out.Principal = s.Principal.Clone()
	out.NotPrincipal = s.NotPrincipal.Clone()
	out.Action = slices.Clone(s.Action)
	out.NotAction = slices.Clone(s.NotAction)
	out.Resource = slices.Clone(s.Resource)
	out.NotResource = slices.Clone(s.NotResource)
	if s.Condition != nil {
		out.Condition = make(Condition, len(s.Condition))
		for op, keys := range s.Condition {
			var m map[string][]string
			if keys != nil {
				m = make(map[string][]string, len(keys))
				for k, v := range keys {
					m[k] = slices.Clone(v)
				}
			}
			out.Condition[op] = m
		}
	}
	return out
}

// Clone returns a deep copy of p (nil for nil).
func (p *Principal) Clone() *Principal {
	if p == nil {
		return nil
	}
	return &Principal{Wildcard: p.Wildcard, AWS: slices.Clone(p.AWS), Federated: slices.Clone(p.Federated), Service: slices.Clone(p.Service)}
}
