package astranbench

default decision := "ImplicitDeny"

default explicit_deny := false

default allowed := false

decision := "ExplicitDeny" if {
	explicit_deny
} else := "Allow" if {
	allowed
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/HomeFolders#0 ListAllBuckets
allowed if {
	input.action == "s3:ListAllMyBuckets"
	some res in {"arn:aws:s3:::*"}
	glob.match(res, null, input.resource)
}

allowed if {
	input.action == "s3:GetBucketLocation"
	some res in {"arn:aws:s3:::*"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/HomeFolders#1 ListOwnHomePrefix
allowed if {
	input.action == "s3:ListBucket"
	some res in {"arn:aws:s3:::corp-home"}
	glob.match(replace(res, "${aws:username}", glob.quote_meta(input.username)), null, input.resource)
	some v0 in {"home/${aws:username}/*", "home/${aws:username}/"}
	glob.match(replace(v0, "${aws:username}", glob.quote_meta(input.username)), null, input.s3Prefix)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/HomeFolders#2 OwnHomeObjects
allowed if {
	input.action == "s3:GetObject"
	some res in {"arn:aws:s3:::corp-home/home/${aws:username}/*"}
	glob.match(replace(res, "${aws:username}", glob.quote_meta(input.username)), null, input.resource)
}

allowed if {
	input.action == "s3:PutObject"
	some res in {"arn:aws:s3:::corp-home/home/${aws:username}/*"}
	glob.match(replace(res, "${aws:username}", glob.quote_meta(input.username)), null, input.resource)
}

allowed if {
	input.action == "s3:DeleteObject"
	some res in {"arn:aws:s3:::corp-home/home/${aws:username}/*"}
	glob.match(replace(res, "${aws:username}", glob.quote_meta(input.username)), null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/HomeFolders#3 OwnBackupsFromOffice
allowed if {
	input.action == "s3:PutObject"
	some res in {"arn:aws:s3:::corp-backups/${aws:username}/*"}
	glob.match(replace(res, "${aws:username}", glob.quote_meta(input.username)), null, input.resource)
	some v0 in {"10.0.0.0/8"}
	net.cidr_contains(v0, input.sourceIp)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#0 ReadShared
allowed if {
	glob.match("s3:Get*", null, input.action)
	some res in {"arn:aws:s3:::corp-shared", "arn:aws:s3:::corp-shared/*"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#1 ListShared
allowed if {
	input.action == "s3:ListBucket"
	some res in {"arn:aws:s3:::corp-shared"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#2 UploadsFromOffice
allowed if {
	input.action == "s3:PutObject"
	some res in {"arn:aws:s3:::corp-uploads/*"}
	glob.match(res, null, input.resource)
	some v0 in {"10.0.0.0/8", "192.168.0.0/16"}
	net.cidr_contains(v0, input.sourceIp)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#3 ReportsOverTLS
allowed if {
	input.action == "s3:GetObject"
	some res in {"arn:aws:s3:::corp-reports/*"}
	glob.match(res, null, input.resource)
	input.secureTransport == true
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#4 QuarterlyWindow
allowed if {
	input.action == "s3:PutObject"
	some res in {"arn:aws:s3:::corp-reports/quarterly/*"}
	glob.match(res, null, input.resource)
	time.parse_rfc3339_ns(input.currentTime) > 1767225600000000000
	time.parse_rfc3339_ns(input.currentTime) < 1798761600000000000
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#5 AppLogs
allowed if {
	input.action == "s3:GetObject"
	some res in {"arn:aws:s3:::corp-logs", "arn:aws:s3:::corp-logs/app-*"}
	glob.match(res, null, input.resource)
}

allowed if {
	input.action == "s3:ListBucket"
	some res in {"arn:aws:s3:::corp-logs", "arn:aws:s3:::corp-logs/app-*"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#6 AnalyticsAgent
allowed if {
	input.action == "s3:GetObject"
	some res in {"arn:aws:s3:::corp-analytics/*"}
	glob.match(res, null, input.resource)
	some v0 in {"analytics-agent/*"}
	glob.match(v0, null, input.userAgent)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#7 SharedTagging
allowed if {
	input.action == "s3:PutObjectTagging"
	some res in {"arn:aws:s3:::corp-shared/tags/*"}
	glob.match(res, null, input.resource)
}

allowed if {
	input.action == "s3:GetObjectTagging"
	some res in {"arn:aws:s3:::corp-shared/tags/*"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/TeamData#8 MultipartUploads
allowed if {
	input.action == "s3:ListMultipartUploadParts"
	some res in {"arn:aws:s3:::corp-uploads/*"}
	glob.match(res, null, input.resource)
}

allowed if {
	input.action == "s3:AbortMultipartUpload"
	some res in {"arn:aws:s3:::corp-uploads/*"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/Operations#0 VersioningAudit
allowed if {
	input.action == "s3:GetBucketVersioning"
	some res in {"arn:aws:s3:::corp-*"}
	glob.match(res, null, input.resource)
}

allowed if {
	input.action == "s3:ListBucketVersions"
	some res in {"arn:aws:s3:::corp-*"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/Operations#1 StaticSite
allowed if {
	input.action == "s3:GetObject"
	some res in {"arn:aws:s3:::corp-www/*.html", "arn:aws:s3:::corp-www/assets/*"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/Operations#2 BucketPolicyRead
allowed if {
	input.action == "s3:GetBucketPolicy"
	some res in {"arn:aws:s3:::corp-shared"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/Operations#3 DataLakeParquet
allowed if {
	input.action == "s3:GetObject"
	some res in {"arn:aws:s3:::corp-lake/raw/*/2026-*.parquet"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/Operations#4 ListSite
allowed if {
	input.action == "s3:ListBucket"
	some res in {"arn:aws:s3:::corp-www"}
	glob.match(res, null, input.resource)
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/Operations#5 ArchiveRestoreTLS
allowed if {
	input.action == "s3:RestoreObject"
	some res in {"arn:aws:s3:::corp-archive/*"}
	glob.match(res, null, input.resource)
	input.secureTransport == true
}

# arn:astran:iam::ce09c61d-afac-404f-a96b-ebbbced80013:policy/Operations#6 NoDeletesOnSharedAndLogs
explicit_deny if {
	input.action == "s3:DeleteObject"
	some res in {"arn:aws:s3:::corp-shared", "arn:aws:s3:::corp-shared/*", "arn:aws:s3:::corp-logs/*"}
	glob.match(res, null, input.resource)
}

explicit_deny if {
	input.action == "s3:DeleteBucket"
	some res in {"arn:aws:s3:::corp-shared", "arn:aws:s3:::corp-shared/*", "arn:aws:s3:::corp-logs/*"}
	glob.match(res, null, input.resource)
}

