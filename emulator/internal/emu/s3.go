package emu

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/astran-oss/astran-go/arn"
	"github.com/astran-oss/astran-go/emulator/internal/sigv4"
	"github.com/astran-oss/astran-go/policy"
)

// S3Namespace is the XML namespace of S3 responses.
const S3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

type object struct {
	data     []byte
	etag     string
	ctype    string
	modified time.Time
	meta     map[string]string
}

type bucket struct {
	created time.Time
	objects map[string]*object
	policy  *bucketPolicy // nil: none
}

type s3Store struct {
	mu      sync.RWMutex // guards buckets and uploads
	buckets map[string]*bucket
	uploads map[string]*upload // multipart uploads by ID
}

type part struct {
	data []byte
	etag string
}

type upload struct {
	bucket, key string
	ctype       string
	meta        map[string]string
	initiated   time.Time
	parts       map[int]*part
}

func s3Error(w http.ResponseWriter, r *http.Request, status int, code, msg, resource string) {
	if r.Method == http.MethodHead {
		w.Header().Set("x-amz-error-code", code)
		w.WriteHeader(status)
		return
	}
	var x xw
	x.open("Error")
	x.elem("Code", code)
	x.elem("Message", msg)
	x.opt("Resource", resource)
	x.elem("RequestId", strings.ToUpper(RandomHex(8)))
	x.close("Error")
	writeS3XML(w, status, x.b.String())
}

func s3AuthError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, sigv4.ErrMissing):
		s3Error(w, r, http.StatusForbidden, "AccessDenied", AccessDeniedMessage, "")
	case errors.Is(err, sigv4.ErrMalformed) && r.URL.Query().Has("X-Amz-Signature"):
		s3Error(w, r, http.StatusBadRequest, "AuthorizationQueryParametersError", "Query-string authentication parameters are malformed: "+err.Error(), "")
	case errors.Is(err, sigv4.ErrMalformed):
		s3Error(w, r, http.StatusBadRequest, "AuthorizationHeaderMalformed", "The authorization header is malformed: "+err.Error(), "")
	case errors.Is(err, sigv4.ErrSkewed):
		s3Error(w, r, http.StatusForbidden, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", "")
	case errors.Is(err, sigv4.ErrUnknownKey):
		s3Error(w, r, http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", "")
	case errors.Is(err, sigv4.ErrTokenMismatch):
		s3Error(w, r, http.StatusBadRequest, "InvalidToken", "The provided token is malformed or otherwise invalid.", "")
	case errors.Is(err, sigv4.ErrExpired):
		s3Error(w, r, http.StatusForbidden, "AccessDenied", "Request has expired", "")
	case errors.Is(err, errSessionExpired):
		s3Error(w, r, http.StatusBadRequest, "ExpiredToken", "Invalid token: Token expired", "")
	default:
		s3Error(w, r, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your key and signing method.", "")
	}
}

// bucketAndKey splits the request into bucket and key, path- or
// virtual-host-style.
func (s *Services) bucketAndKey(r *http.Request) (string, string) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	path := r.URL.Path
	for _, base := range s.S3Hosts {
		if b, ok := strings.CutSuffix(host, "."+strings.ToLower(base)); ok && b != "" {
			return b, strings.TrimPrefix(path, "/")
		}
	}
	path = strings.TrimPrefix(path, "/")
	b, k, _ := strings.Cut(path, "/")
	return b, k
}

// DecodeChunked decodes an aws-chunked body.
func DecodeChunked(body []byte) ([]byte, error) {
	br := bufio.NewReader(bytes.NewReader(body))
	var out bytes.Buffer
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, errors.New("malformed aws-chunked body")
		}
		line = strings.TrimRight(line, "\r\n")
		sizeStr, _, _ := strings.Cut(line, ";")
		n, err := strconv.ParseInt(strings.TrimSpace(sizeStr), 16, 64)
		if err != nil || n < 0 || n > int64(len(body)) {
			return nil, errors.New("malformed aws-chunked chunk size")
		}
		if n == 0 {
			return out.Bytes(), nil // trailers (checksums) are ignored
		}
		if _, err := io.CopyN(&out, br, n); err != nil {
			return nil, errors.New("truncated aws-chunked body")
		}
		if crlf, err := br.ReadString('\n'); err != nil || strings.TrimRight(crlf, "\r\n") != "" {
			return nil, errors.New("malformed aws-chunked chunk end")
		}
	}
}

// ServeS3 handles the S3 gate.
func (s *Services) ServeS3(w http.ResponseWriter, r *http.Request) {
	bkt, key := s.bucketAndKey(r)
	// Authenticate from the headers alone: no byte of the body is read for
	// a request that is not authenticated. The signed payload hash is the
	// X-Amz-Content-Sha256 header (required with an Authorization header,
	// as in S3), checked against the body once it is read.
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		if r.Header.Get("Authorization") != "" {
			s3Error(w, r, http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256", "")
			return
		}
		payload = "UNSIGNED-PAYLOAD"
	}
	caller, err := s.authenticate(r, payload, true)
	if errors.Is(err, sigv4.ErrMissing) && bkt != "" && s.bucketPolicySet(bkt) != nil {
		// An unsigned request is anonymous: only a bucket policy can allow
		// it. Without one it is refused before its body is read.
		caller, err = Caller{}, nil
	}
	if err != nil {
		s3AuthError(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxObjectSize+64<<10))
	if err != nil {
		s3Error(w, r, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", "")
		return
	}
	switch {
	case strings.HasPrefix(payload, "STREAMING-"):
		if body, err = DecodeChunked(body); err != nil {
			s3Error(w, r, http.StatusBadRequest, "IncompleteBody", err.Error(), "")
			return
		}
	case payload != "UNSIGNED-PAYLOAD":
		sum := sha256.Sum256(body)
		if !strings.EqualFold(hex.EncodeToString(sum[:]), payload) {
			s3Error(w, r, http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", "")
			return
		}
	}
	if len(body) > MaxObjectSize {
		s3Error(w, r, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", "")
		return
	}
	q := r.URL.Query()
	authz := func(action, resource string, ctx map[string][]string) bool {
		var rp *policy.Set
		if bkt != "" {
			rp = s.bucketPolicySet(bkt)
		}
		if e := s.authorizeWith(r, caller, "s3:"+action, resource, ctx, rp); e != nil {
			s3Error(w, r, http.StatusForbidden, "AccessDenied", AccessDeniedMessage, "")
			return false
		}
		return true
	}
	st := &s.s3
	if bkt == "" {
		if r.Method != http.MethodGet {
			s3Error(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", "")
			return
		}
		if authz("ListAllMyBuckets", "arn:"+s.State.Partition+":s3:::*", nil) {
			s.listBuckets(w)
		}
		return
	}
	bucketARN := "arn:" + s.State.Partition + ":s3:::" + bkt
	if q.Has("uploads") || q.Has("uploadId") {
		s.multipart(w, r, bkt, key, body, authz)
		return
	}
	if q.Has("policy") {
		s.serveBucketPolicy(w, r, bkt, body, authz)
		return
	}
	for _, sub := range []string{"acl", "versioning", "versions", "lifecycle", "cors", "website", "tagging", "delete", "encryption", "object-lock", "replication", "logging", "notification", "ownershipControls", "publicAccessBlock"} {
		if q.Has(sub) {
			s3Error(w, r, http.StatusNotImplemented, "NotImplemented", "A header or query you provided implies functionality that is not implemented.", "")
			return
		}
	}
	if key == "" {
		switch r.Method {
		case http.MethodPut:
			if !authz("CreateBucket", bucketARN, nil) {
				return
			}
			if err := arn.ValidateBucketName(bkt); err != nil {
				s3Error(w, r, http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.", bkt)
				return
			}
			if len(bytes.TrimSpace(body)) > 0 {
				var conf struct {
					XMLName            xml.Name `xml:"CreateBucketConfiguration"`
					LocationConstraint string
				}
				if err := xml.Unmarshal(body, &conf); err != nil {
					s3Error(w, r, http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.", bkt)
					return
				}
			}
			st.mu.Lock()
			if st.buckets == nil {
				st.buckets = map[string]*bucket{}
			}
			if _, ok := st.buckets[bkt]; ok {
				st.mu.Unlock()
				s3Error(w, r, http.StatusConflict, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", bkt)
				return
			}
			st.buckets[bkt] = &bucket{created: s.Now().UTC(), objects: map[string]*object{}}
			st.mu.Unlock()
			w.Header().Set("Location", "/"+bkt)
			w.WriteHeader(http.StatusOK)
		case http.MethodHead:
			if authz("ListBucket", bucketARN, nil) && s.bucketExists(w, r, bkt) {
				w.Header().Set("x-amz-bucket-region", s.region())
				w.WriteHeader(http.StatusOK)
			}
		case http.MethodDelete:
			if !authz("DeleteBucket", bucketARN, nil) {
				return
			}
			st.mu.Lock()
			b, ok := st.buckets[bkt]
			switch {
			case !ok:
				st.mu.Unlock()
				s3Error(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bkt)
			case len(b.objects) > 0:
				st.mu.Unlock()
				s3Error(w, r, http.StatusConflict, "BucketNotEmpty", "The bucket you tried to delete is not empty", bkt)
			default:
				delete(st.buckets, bkt)
				st.mu.Unlock()
				w.WriteHeader(http.StatusNoContent)
			}
		case http.MethodGet:
			if q.Has("location") {
				if authz("GetBucketLocation", bucketARN, nil) && s.bucketExists(w, r, bkt) {
					writeS3Result(w, "LocationConstraint", func(*xw) {})
				}
				return
			}
			ctx := map[string][]string{"s3:prefix": {q.Get("prefix")}}
			if d := q.Get("delimiter"); d != "" {
				ctx["s3:delimiter"] = []string{d}
			}
			if authz("ListBucket", bucketARN, ctx) && s.bucketExists(w, r, bkt) {
				s.listObjects(w, r, bkt)
			}
		default:
			s3Error(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", "")
		}
		return
	}
	objARN := bucketARN + "/" + key
	switch r.Method {
	case http.MethodPut:
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			s3Error(w, r, http.StatusNotImplemented, "NotImplemented", "CopyObject is not implemented.", "")
			return
		}
		if !authz("PutObject", objARN, nil) {
			return
		}
		sum := md5.Sum(body)
		if cm := r.Header.Get("Content-Md5"); cm != "" && cm != base64.StdEncoding.EncodeToString(sum[:]) {
			s3Error(w, r, http.StatusBadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.", "")
			return
		}
		ctype, meta := objectMeta(r)
		o := &object{data: body, etag: `"` + hex.EncodeToString(sum[:]) + `"`, ctype: ctype, modified: s.Now().UTC(), meta: meta}
		st.mu.Lock()
		b, ok := st.buckets[bkt]
		if ok {
			b.objects[key] = o
		}
		st.mu.Unlock()
		if !ok {
			s3Error(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bkt)
			return
		}
		w.Header().Set("ETag", o.etag)
		w.WriteHeader(http.StatusOK)
	case http.MethodGet, http.MethodHead:
		if !authz("GetObject", objARN, nil) {
			return
		}
		st.mu.RLock()
		b, ok := st.buckets[bkt]
		var o *object
		if ok {
			o = b.objects[key]
		}
		st.mu.RUnlock()
		if !ok {
			s3Error(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bkt)
			return
		}
		if o == nil {
			s3Error(w, r, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", key)
			return
		}
		h := w.Header()
		h.Set("ETag", o.etag)
		h.Set("Content-Type", o.ctype)
		for k, v := range o.meta {
			h.Set(k, v)
		}
		// ServeContent handles Range, conditional requests and HEAD.
		http.ServeContent(w, r, "", o.modified, bytes.NewReader(o.data))
	case http.MethodDelete:
		if !authz("DeleteObject", objARN, nil) {
			return
		}
		st.mu.Lock()
		b, ok := st.buckets[bkt]
		if ok {
			delete(b.objects, key)
		}
		st.mu.Unlock()
		if !ok {
			s3Error(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bkt)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		s3Error(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", "")
	}
}

func (s *Services) region() string { return "us-east-1" }

// writeS3Result answers 200 with the result element root, in S3's
// namespace, whose content body writes.
func writeS3Result(w http.ResponseWriter, root string, body func(x *xw)) {
	var x xw
	x.b.WriteString(`<` + root + ` xmlns="` + S3Namespace + `">`)
	body(&x)
	x.close(root)
	writeS3XML(w, http.StatusOK, x.b.String())
}

// writeS3XML answers status with the XML document body.
func writeS3XML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + body))
}

func (s *Services) bucketExists(w http.ResponseWriter, r *http.Request, bkt string) bool {
	s.s3.mu.RLock()
	_, ok := s.s3.buckets[bkt]
	s.s3.mu.RUnlock()
	if !ok {
		s3Error(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bkt)
	}
	return ok
}

func (s *Services) listBuckets(w http.ResponseWriter) {
	s.s3.mu.RLock()
	names := make([]string, 0, len(s.s3.buckets))
	for n := range s.s3.buckets {
		names = append(names, n)
	}
	sort.Strings(names)
	writeS3Result(w, "ListAllMyBucketsResult", func(x *xw) {
		x.open("Owner")
		x.elem("ID", s.State.Account)
		x.elem("DisplayName", s.State.Partition)
		x.close("Owner")
		x.open("Buckets")
		for _, n := range names {
			x.open("Bucket")
			x.elem("Name", n)
			x.s3time("CreationDate", s.s3.buckets[n].created)
			x.close("Bucket")
		}
		s.s3.mu.RUnlock()
		x.close("Buckets")
	})
}

func (s *Services) listObjects(w http.ResponseWriter, r *http.Request, bkt string) {
	q := r.URL.Query()
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	v2 := q.Get("list-type") == "2"
	enc := q.Get("encoding-type") == "url"
	maxKeys := 1000
	if m := q.Get("max-keys"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 0 {
			s3Error(w, r, http.StatusBadRequest, "InvalidArgument", "Provided max-keys not an integer or within integer range", "")
			return
		}
		maxKeys = min(n, 1000)
	}
	after := q.Get("start-after")
	if !v2 {
		after = q.Get("marker")
	}
	if tok := q.Get("continuation-token"); v2 && tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			s3Error(w, r, http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect", "")
			return
		}
		after = string(b)
	}
	s.s3.mu.RLock()
	b := s.s3.buckets[bkt]
	keys := make([]string, 0, len(b.objects))
	for k := range b.objects {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	type entry struct {
		key string
		o   *object
	}
	var contents []entry
	var prefixes []string
	seen := map[string]bool{}
	truncated, last := false, ""
	for _, k := range keys {
		if len(contents)+len(prefixes) >= maxKeys {
			truncated = true
			break
		}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp := k[:len(prefix)+i+len(delim)]
				if !seen[cp] {
					seen[cp] = true
					prefixes = append(prefixes, cp)
				}
				last = k
				continue
			}
		}
		contents = append(contents, entry{k, b.objects[k]})
		last = k
	}
	s.s3.mu.RUnlock()
	e := func(v string) string {
		if enc {
			return strings.ReplaceAll(url.QueryEscape(v), "+", "%20")
		}
		return v
	}
	writeS3Result(w, "ListBucketResult", func(x *xw) {
		x.elem("Name", bkt)
		x.elem("Prefix", e(prefix))
		if v2 {
			x.elem("KeyCount", strconv.Itoa(len(contents)+len(prefixes)))
			x.opt("ContinuationToken", q.Get("continuation-token"))
			x.opt("StartAfter", e(q.Get("start-after")))
		} else {
			x.elem("Marker", e(q.Get("marker")))
		}
		x.elem("MaxKeys", strconv.Itoa(maxKeys))
		x.opt("Delimiter", e(delim))
		if enc {
			x.elem("EncodingType", "url")
		}
		x.bool("IsTruncated", truncated)
		if truncated {
			if v2 {
				x.elem("NextContinuationToken", base64.RawURLEncoding.EncodeToString([]byte(last)))
			} else {
				x.elem("NextMarker", e(last))
			}
		}
		for _, c := range contents {
			x.open("Contents")
			x.elem("Key", e(c.key))
			x.s3time("LastModified", c.o.modified)
			x.elem("ETag", c.o.etag)
			x.elem("Size", strconv.Itoa(len(c.o.data)))
			x.elem("StorageClass", "STANDARD")
			x.close("Contents")
		}
		for _, p := range prefixes {
			x.open("CommonPrefixes")
			x.elem("Prefix", e(p))
			x.close("CommonPrefixes")
		}
	})
}

func objectMeta(r *http.Request) (string, map[string]string) {
	ctype := r.Header.Get("Content-Type")
	if ctype == "" {
		ctype = "binary/octet-stream"
	}
	meta := map[string]string{}
	for k, v := range r.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-amz-meta-") && len(v) > 0 {
			meta[strings.ToLower(k)] = v[0]
		}
	}
	return ctype, meta
}

// MaxMultipartSize caps the assembled size of a multipart upload.
const MaxMultipartSize = 64 << 20

// multipart serves CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts and ListMultipartUploads.
func (s *Services) multipart(w http.ResponseWriter, r *http.Request, bkt, key string, body []byte, authz func(action, resource string, ctx map[string][]string) bool) {
	q := r.URL.Query()
	st := &s.s3
	bucketARN := "arn:" + s.State.Partition + ":s3:::" + bkt
	noUpload := func(id string) {
		s3Error(w, r, http.StatusNotFound, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", id)
	}
	if key == "" {
		if r.Method != http.MethodGet || !q.Has("uploads") {
			s3Error(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", "")
			return
		}
		if !authz("ListBucketMultipartUploads", bucketARN, nil) || !s.bucketExists(w, r, bkt) {
			return
		}
		writeS3Result(w, "ListMultipartUploadsResult", func(x *xw) {
			x.elem("Bucket", bkt)
			x.bool("IsTruncated", false)
			st.mu.RLock()
			ids := make([]string, 0, len(st.uploads))
			for id, u := range st.uploads {
				if u.bucket == bkt {
					ids = append(ids, id)
				}
			}
			sort.Strings(ids)
			for _, id := range ids {
				u := st.uploads[id]
				x.open("Upload")
				x.elem("Key", u.key)
				x.elem("UploadId", id)
				x.s3time("Initiated", u.initiated)
				x.close("Upload")
			}
			st.mu.RUnlock()
		})
		return
	}
	objARN := bucketARN + "/" + key
	id := q.Get("uploadId")
	// lockUpload takes the state's write (or read) lock and returns upload
	// id, when it is one of this object, with the function that releases the
	// lock; otherwise it releases the lock, answers NoSuchUpload and returns
	// nil.
	lockUpload := func(write bool) (*upload, func()) {
		unlock := st.mu.RUnlock
		if write {
			st.mu.Lock()
			unlock = st.mu.Unlock
		} else {
			st.mu.RLock()
		}
		if u := st.uploads[id]; u != nil && u.bucket == bkt && u.key == key {
			return u, unlock
		}
		unlock()
		noUpload(id)
		return nil, nil
	}
	// authzUpload authorizes action on the object, then finds the upload as
	// lockUpload does; it returns nil when either fails.
	authzUpload := func(action string, write bool) (*upload, func()) {
		if !authz(action, objARN, nil) {
			return nil, nil
		}
		return lockUpload(write)
	}
	switch {
	case r.Method == http.MethodPost && q.Has("uploads"):
		if !authz("PutObject", objARN, nil) || !s.bucketExists(w, r, bkt) {
			return
		}
		ctype, meta := objectMeta(r)
		id = RandomHex(16)
		st.mu.Lock()
		if st.uploads == nil {
			st.uploads = map[string]*upload{}
		}
		st.uploads[id] = &upload{bucket: bkt, key: key, ctype: ctype, meta: meta, initiated: s.Now().UTC(), parts: map[int]*part{}}
		st.mu.Unlock()
		writeS3Result(w, "InitiateMultipartUploadResult", func(x *xw) {
			x.elem("Bucket", bkt)
			x.elem("Key", key)
			x.elem("UploadId", id)
		})
	case r.Method == http.MethodPut:
		n, err := strconv.Atoi(q.Get("partNumber"))
		if err != nil || n < 1 || n > 10000 {
			s3Error(w, r, http.StatusBadRequest, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", "")
			return
		}
		if !authz("PutObject", objARN, nil) {
			return
		}
		// The part's MD5 is computed after authorization and outside the
		// lock.
		sum := md5.Sum(body)
		p := &part{data: body, etag: `"` + hex.EncodeToString(sum[:]) + `"`}
		u, unlock := lockUpload(true)
		if u == nil {
			return
		}
		total := len(body)
		for pn, old := range u.parts {
			if pn != n {
				total += len(old.data)
			}
		}
		if total <= MaxMultipartSize {
			u.parts[n] = p
		}
		unlock()
		switch {
		case total > MaxMultipartSize:
			s3Error(w, r, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", "")
		default:
			w.Header().Set("ETag", p.etag)
			w.WriteHeader(http.StatusOK)
		}
	case r.Method == http.MethodPost:
		if !authz("PutObject", objARN, nil) {
			return
		}
		var req struct {
			XMLName xml.Name `xml:"CompleteMultipartUpload"`
			Parts   []struct {
				PartNumber int
				ETag       string
			} `xml:"Part"`
		}
		if err := xml.Unmarshal(body, &req); err != nil || len(req.Parts) == 0 {
			s3Error(w, r, http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.", "")
			return
		}
		u, unlock := lockUpload(true)
		if u == nil {
			return
		}
		var data []byte
		md5s := md5.New()
		prev := 0
		for _, rp := range req.Parts {
			p := u.parts[rp.PartNumber]
			if p == nil || strings.Trim(rp.ETag, `"`) != strings.Trim(p.etag, `"`) {
				unlock()
				s3Error(w, r, http.StatusBadRequest, "InvalidPart", "One or more of the specified parts could not be found.", "")
				return
			}
			if rp.PartNumber <= prev {
				unlock()
				s3Error(w, r, http.StatusBadRequest, "InvalidPartOrder", "The list of parts was not in ascending order.", "")
				return
			}
			prev = rp.PartNumber
			data = append(data, p.data...)
			raw, _ := hex.DecodeString(strings.Trim(p.etag, `"`))
			md5s.Write(raw)
		}
		b, ok := st.buckets[bkt]
		if !ok {
			unlock()
			s3Error(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", bkt)
			return
		}
		etag := `"` + hex.EncodeToString(md5s.Sum(nil)) + "-" + strconv.Itoa(len(req.Parts)) + `"`
		b.objects[key] = &object{data: data, etag: etag, ctype: u.ctype, modified: s.Now().UTC(), meta: u.meta}
		delete(st.uploads, id)
		unlock()
		writeS3Result(w, "CompleteMultipartUploadResult", func(x *xw) {
			x.elem("Location", "/"+bkt+"/"+key)
			x.elem("Bucket", bkt)
			x.elem("Key", key)
			x.elem("ETag", etag)
		})
	case r.Method == http.MethodDelete:
		u, unlock := authzUpload("AbortMultipartUpload", true)
		if u == nil {
			return
		}
		delete(st.uploads, id)
		unlock()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet:
		u, unlock := authzUpload("ListMultipartUploadParts", false)
		if u == nil {
			return
		}
		nums := make([]int, 0, len(u.parts))
		for n := range u.parts {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		writeS3Result(w, "ListPartsResult", func(x *xw) {
			x.elem("Bucket", bkt)
			x.elem("Key", key)
			x.elem("UploadId", id)
			x.bool("IsTruncated", false)
			for _, n := range nums {
				x.open("Part")
				x.elem("PartNumber", strconv.Itoa(n))
				x.elem("ETag", u.parts[n].etag)
				x.elem("Size", strconv.Itoa(len(u.parts[n].data)))
				x.close("Part")
			}
			unlock()
		})
	default:
		s3Error(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", "")
	}
}
