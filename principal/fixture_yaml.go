package principal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// maxYAMLDepth bounds the nesting of YAML fixtures (and alias expansion).
const maxYAMLDepth = 64

// ApplyFixtureYAML is [MemoryStore.ApplyFixture] for a fixture written in
// YAML: the same fields, converted to JSON before the strict JSON decoding.
// Every scalar but null becomes a JSON string with its text: an unquoted
// 2012-10-17 stays "2012-10-17", a tag value 3 becomes "3" (every fixture
// and policy field is a string). [LoadFixture] picks this method for .yaml and .yml files.
func (s *MemoryStore) ApplyFixtureYAML(name string, data []byte) error {
	if len(data) > maxFixtureSize {
		return &FixtureError{File: name, Err: fmt.Errorf("larger than %d bytes", maxFixtureSize)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return &FixtureError{File: name, Err: err}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return &FixtureError{File: name, Err: errors.New("more than one YAML document")}
	}
	var buf bytes.Buffer
	// Aliases can expand a small document into a huge one: bound the JSON.
	limit := min(8*len(data)+64<<10, maxFixtureSize)
	if err := yamlToJSON(&buf, &doc, 0, limit); err != nil {
		return &FixtureError{File: name, Err: err}
	}
	return s.ApplyFixture(name, buf.Bytes())
}

// yamlToJSON writes the JSON form of n to buf.
func yamlToJSON(buf *bytes.Buffer, n *yaml.Node, depth, limit int) error {
	if buf.Len() > limit {
		return fmt.Errorf("line %d: expands to more than %d bytes of JSON (aliases?)", n.Line, limit)
	}
	if depth > maxYAMLDepth {
		return fmt.Errorf("line %d: nested deeper than %d levels", n.Line, maxYAMLDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			buf.WriteString("{}")
			return nil
		}
		return yamlToJSON(buf, n.Content[0], depth+1, limit)
	case yaml.AliasNode:
		return yamlToJSON(buf, n.Alias, depth+1, limit)
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := yamlToJSON(buf, c, depth+1, limit); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: mapping keys must be scalars", k.Line)
			}
			if k.Tag == "!!merge" {
				return fmt.Errorf("line %d: merge keys are not supported", k.Line)
			}
			if i > 0 {
				buf.WriteByte(',')
			}
			key, _ := json.Marshal(k.Value)
			buf.Write(key)
			buf.WriteByte(':')
			if err := yamlToJSON(buf, n.Content[i+1], depth+1, limit); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			buf.WriteString("null")
			return nil
		}
		v, _ := json.Marshal(n.Value)
		buf.Write(v)
		return nil
	}
	return fmt.Errorf("line %d: unsupported YAML node", n.Line)
}
