package emu

import (
	"net/http"
	"strings"
)

func createAccessKey(c *iamCall) *APIError {
	return c.withUser("CreateAccessKey", nil, func(u *User) *APIError {
		n := 0
		for _, k := range c.s.State.keys {
			if k.User == strings.ToLower(u.Name) {
				n++
			}
		}
		if n >= 2 {
			return apiErr(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
		}
		k := &AccessKey{ID: "AKIA" + strings.ToUpper(RandomHex(8)), Secret: RandomSecret(), User: strings.ToLower(u.Name), Active: true, Created: c.s.Now().UTC()}
		c.s.State.keys[k.ID] = k
		c.result = true
		c.out.open("AccessKey")
		c.out.elem("UserName", u.Name)
		c.out.elem("AccessKeyId", k.ID)
		c.out.elem("Status", "Active")
		c.out.elem("SecretAccessKey", k.Secret)
		c.out.time("CreateDate", k.Created)
		c.out.close("AccessKey")
		return nil
	})
}

func listAccessKeys(c *iamCall) *APIError {
	return c.withUser("ListAccessKeys", nil, func(u *User) *APIError {
		var keys []*AccessKey
		for _, k := range sortedValues(c.s.State.keys) {
			if k.User == strings.ToLower(u.Name) {
				keys = append(keys, k)
			}
		}
		c.result = true
		c.out.open("AccessKeyMetadata")
		for _, k := range keys {
			c.out.open("member")
			c.out.elem("UserName", u.Name)
			c.out.elem("AccessKeyId", k.ID)
			if k.Active {
				c.out.elem("Status", "Active")
			} else {
				c.out.elem("Status", "Inactive")
			}
			c.out.time("CreateDate", k.Created)
			c.out.close("member")
		}
		c.out.close("AccessKeyMetadata")
		c.out.bool("IsTruncated", false)
		return nil
	})
}

func (c *iamCall) userKeyLocked(u *User) (*AccessKey, *APIError) {
	id, e := c.required("AccessKeyId")
	if e != nil {
		return nil, e
	}
	k := c.s.State.keys[id]
	if k == nil || k.User != strings.ToLower(u.Name) {
		return nil, noSuch("The Access Key with id %s cannot be found.", id)
	}
	return k, nil
}

func deleteAccessKey(c *iamCall) *APIError {
	return c.withUser("DeleteAccessKey", nil, func(u *User) *APIError {
		k, e := c.userKeyLocked(u)
		if e != nil {
			return e
		}
		delete(c.s.State.keys, k.ID)
		return nil
	})
}

func updateAccessKey(c *iamCall) *APIError {
	status := c.get("Status")
	if status != "Active" && status != "Inactive" {
		return apiErr(http.StatusBadRequest, "ValidationError", "Status must be Active or Inactive")
	}
	return c.withUser("UpdateAccessKey", nil, func(u *User) *APIError {
		k, e := c.userKeyLocked(u)
		if e != nil {
			return e
		}
		k.Active = status == "Active"
		return nil
	})
}

func getAccessKeyLastUsed(c *iamCall) *APIError {
	id, e := c.required("AccessKeyId")
	if e != nil {
		return e
	}
	k, ok := c.s.State.AccessKey(id)
	res := c.listARN("user")
	var name string
	if ok {
		if u, found := c.s.State.User(k.User); found {
			res, name = u.ARN.String(), u.Name
		}
	}
	if e := c.authz("GetAccessKeyLastUsed", res, nil); e != nil {
		return e
	}
	if !ok || name == "" {
		return noSuch("The Access Key with id %s cannot be found.", id)
	}
	c.result = true
	c.out.elem("UserName", name)
	c.out.open("AccessKeyLastUsed")
	if k.LastUsed.IsZero() {
		c.out.elem("ServiceName", "N/A")
		c.out.elem("Region", "N/A")
	} else {
		c.out.time("LastUsedDate", k.LastUsed)
		c.out.elem("ServiceName", k.LastService)
		c.out.elem("Region", k.LastRegion)
	}
	c.out.close("AccessKeyLastUsed")
	return nil
}
