package fake

import (
	"fmt"
	"strings"
)

// maskNode is a parsed field mask: a nil children map keeps the whole value.
type maskNode struct {
	children map[string]*maskNode
}

// parseMask parses the API's field selector grammar:
// "a.b,c(d,e/f)" where '.' and '/' both step into a field and parentheses group.
func parseMask(s string) (*maskNode, error) {
	root := &maskNode{children: map[string]*maskNode{}}
	p := &maskParser{s: s}
	if err := p.list(root); err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("unexpected %q at %d", p.s[p.i], p.i)
	}
	return root, nil
}

type maskParser struct {
	s string
	i int
}

func (p *maskParser) list(into *maskNode) error {
	for {
		if err := p.item(into); err != nil {
			return err
		}
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		return nil
	}
}

func (p *maskParser) item(into *maskNode) error {
	node := into
	for {
		start := p.i
		for p.i < len(p.s) && !strings.ContainsRune(",()./", rune(p.s[p.i])) {
			p.i++
		}
		name := strings.TrimSpace(p.s[start:p.i])
		if name == "" {
			return fmt.Errorf("empty field name at %d", start)
		}
		node = node.child(name)
		if p.i < len(p.s) && (p.s[p.i] == '.' || p.s[p.i] == '/') {
			p.i++
			continue
		}
		break
	}
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		if node.children == nil {
			node.children = map[string]*maskNode{}
		}
		if err := p.list(node); err != nil {
			return err
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return fmt.Errorf("missing )")
		}
		p.i++
	} else {
		node.children = nil // a leaf keeps everything below it
	}
	return nil
}

// child returns the named child, creating it as a "keep some" node.
func (n *maskNode) child(name string) *maskNode {
	if n.children == nil {
		n.children = map[string]*maskNode{}
	}
	c, ok := n.children[name]
	if !ok {
		c = &maskNode{children: map[string]*maskNode{}}
		n.children[name] = c
	}
	return c
}

// path follows names down the mask: nil when the mask leaves that field out, a node
// without children when it keeps all of it.
func (n *maskNode) path(names ...string) *maskNode {
	for _, name := range names {
		if n == nil {
			return nil
		}
		if n.children == nil || n.children["*"] != nil {
			return &maskNode{}
		}
		n = n.children[name]
	}
	return n
}

// prune keeps only the fields the mask names; arrays apply the mask to each element.
func (n *maskNode) prune(v any) any {
	if n == nil || n.children == nil {
		return v
	}
	if _, all := n.children["*"]; all {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range n.children {
			if val, ok := x[k]; ok {
				out[k] = c.prune(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = n.prune(e)
		}
		return out
	}
	return v
}
