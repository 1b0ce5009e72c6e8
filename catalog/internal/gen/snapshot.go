package main

// Snapshot is the checked-in catalog: the part of AWS's Service
// Authorization Reference that Astran documents, plus the global condition
// keys. It is the only input of the code generator.
type Snapshot struct {
	// Source names where the data came from, and Date when it was published.
	Source string `json:"source"`
	Date   string `json:"date"`
	// Scope says how the data was restricted to what Astran documents.
	Scope []string `json:"scope"`
	// Services are the services, sorted by prefix.
	Services []Service `json:"services"`
	// GlobalKeys are the aws:* keys available in every request context.
	GlobalKeys []Key `json:"globalKeys"`
	// GlobalKeysSource names where the global keys' types come from.
	GlobalKeysSource string `json:"globalKeysSource"`
	// WebIdentityKeys are the claims an OIDC provider adds as
	// "{provider}:{claim}" keys to AssumeRoleWithWebIdentity.
	WebIdentityKeys []Key `json:"webIdentityKeys"`
}

// Service is one service of the catalog.
type Service struct {
	Prefix string `json:"prefix"`
	Name   string `json:"name"`
	// Open is true for a service whose actions Astran does not publish
	// (kits): any action name is accepted.
	Open          bool           `json:"open,omitempty"`
	Actions       []Action       `json:"actions,omitempty"`
	ResourceTypes []ResourceType `json:"resourceTypes,omitempty"`
	ConditionKeys []Key          `json:"conditionKeys,omitempty"`
	// AWSOnlyActions are actions AWS defines for the service that Astran
	// does not document.
	AWSOnlyActions []string `json:"awsOnlyActions,omitempty"`
}

// Action is one action.
type Action struct {
	Name          string        `json:"name"`
	AccessLevel   string        `json:"accessLevel"`
	ResourceTypes []ResourceRef `json:"resourceTypes,omitempty"`
	// ConditionKeys are every key the action carries: its own and those of
	// its resource types.
	ConditionKeys []string `json:"conditionKeys,omitempty"`
}

// ResourceRef names a resource type an action accepts.
type ResourceRef struct {
	Name     string `json:"name"`
	Required bool   `json:"required,omitempty"`
}

// ResourceType is a resource type with its ARN format.
type ResourceType struct {
	Name          string   `json:"name"`
	ARN           string   `json:"arn"`
	ConditionKeys []string `json:"conditionKeys,omitempty"`
}

// Key is a condition key with its type.
type Key struct {
	Name string `json:"name"`
	// Type is String, ARN, Bool, Date, IPAddress, Numeric or Binary,
	// prefixed by ArrayOf for multivalued keys; Date|Numeric for keys that
	// take both.
	Type string `json:"type"`
	// AlwaysPresent is true for global keys present in every request.
	AlwaysPresent bool `json:"alwaysPresent,omitempty"`
}
