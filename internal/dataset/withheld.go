package dataset

// Permission is, in a descriptor, a permission the operator holds to
// publish a source's data beyond its terms: who granted it, when
// (YYYY-MM-DD), the letter or agreement it rests on, and what it covers.
type Permission struct {
	GrantedBy string `json:"granted_by"`
	Granted   string `json:"granted"`
	Reference string `json:"reference"`
	Scope     string `json:"scope,omitempty"`
}

// Withheld describes, in a descriptor, the rows of a source that its
// publisher's terms keep out of the published file: how many there are,
// why, where the public gets them (the publisher's own download), a hash
// that tells whether they changed without showing them, and what changed
// since the previous version.
type Withheld struct {
	Rows     int    `json:"rows"`
	Reason   string `json:"reason"`
	Download string `json:"download,omitempty"`
	// Hash is "sha256:<hex>" of the rows as a Parquet file, written as
	// WriteParquet writes them: equal rows give equal hashes.
	Hash string `json:"hash"`
	// Changes counts the source's rows added, removed and changed since
	// the previous version (Previous), nil when they could not be counted:
	// the previous version's rows were not in the cache of the run that
	// built this one.
	Changes *VersionChanges `json:"changes,omitempty"`
}

// WithheldSources returns the sources of d whose rows are withheld, in the
// descriptor's order.
func (d *Descriptor) WithheldSources() []SourceRef {
	var out []SourceRef
	for _, s := range d.Sources {
		if s.Withheld != nil {
			out = append(out, s)
		}
	}
	return out
}
