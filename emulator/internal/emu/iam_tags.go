package emu

import (
	"net/http"
	"slices"
)

func tagContext(tags []Tag, ctx map[string][]string) map[string][]string {
	if len(tags) == 0 {
		return ctx
	}
	if ctx == nil {
		ctx = map[string][]string{}
	}
	keys := make([]string, 0, len(tags))
	for _, t := range tags {
		ctx["aws:RequestTag/"+t.Key] = []string{t.Value}
		keys = append(keys, t.Key)
	}
	ctx["aws:TagKeys"] = keys
	return ctx
}

func mergeTags(old, add []Tag) []Tag {
	out := slices.Clone(old)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(x Tag) bool { return x.Key == t.Key }); i >= 0 {
			out[i] = t
		} else {
			out = append(out, t)
		}
	}
	return out
}

func removeTags(old []Tag, keys []string) []Tag {
	return slices.DeleteFunc(slices.Clone(old), func(t Tag) bool { return slices.Contains(keys, t.Key) })
}

// tag answers Tag{User,Role}: at least one tag, at most 50 on the entity.
func tag(kind string) iamOp {
	return func(c *iamCall) *APIError {
		tags, e := c.tags()
		if e != nil {
			return e
		}
		if len(tags) == 0 {
			return apiErr(http.StatusBadRequest, "ValidationError", "tags must not be empty")
		}
		return c.withEntity(kind, "Tag"+kindTitle(kind), tagContext(tags, nil), true, func(ref entityRef) *APIError {
			merged := mergeTags(*ref.tags, tags)
			if len(merged) > 50 {
				return apiErr(http.StatusConflict, "LimitExceeded", "Cannot add more than 50 tags")
			}
			*ref.tags = merged
			return nil
		})
	}
}

// untag answers Untag{User,Role}.
func untag(kind string) iamOp {
	return func(c *iamCall) *APIError {
		keys := c.members("TagKeys")
		return c.withEntity(kind, "Untag"+kindTitle(kind), map[string][]string{"aws:TagKeys": keys}, true, func(ref entityRef) *APIError {
			*ref.tags = removeTags(*ref.tags, keys)
			return nil
		})
	}
}

// listTags answers List{User,Role}Tags under the read lock: a read must not
// bump the state's generation (which would invalidate authorization caches).
func listTags(kind string) iamOp {
	return func(c *iamCall) *APIError {
		return c.withEntity(kind, "List"+kindTitle(kind)+"Tags", nil, false, func(ref entityRef) *APIError {
			c.result = true
			c.out.tags("Tags", *ref.tags)
			c.out.bool("IsTruncated", false)
			return nil
		})
	}
}
