package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/astran-oss/astran-go/emulator"
)

const (
	bucket   = "reports"
	key      = "q3.txt"
	user     = "carol@astran.io"
	password = "carol-example-password" // the emulator's throwaway password
)

// run starts the two accounts, shares the bucket and prints what carol
// can do after each step.
func run(ctx context.Context, out io.Writer) error {
	owner, err := emulator.New()
	if err != nil {
		return err
	}
	defer owner.Close()
	other, err := emulator.New(emulator.WithPartition(owner.Partition()), emulator.WithUserPassword(password))
	if err != nil {
		return err
	}
	defer other.Close()
	if err := owner.AddPeer(other); err != nil {
		return err
	}
	fmt.Fprintf(out, "account A %s owns bucket %q; account B %s has user %s\n", owner.Account(), bucket, other.Account(), user)

	// Account A: the bucket and its object.
	ownerS3 := s3.NewFromConfig(owner.RootConfig())
	if _, err := ownerS3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return err
	}
	if _, err := ownerS3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("revenue up\n")}); err != nil {
		return err
	}
	// Account B: carol, who logs in to her own account.
	otherIAM := iam.NewFromConfig(other.RootConfig())
	if _, err := otherIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)}); err != nil {
		return err
	}
	cfg, err := other.UserConfig(ctx, user, password)
	if err != nil {
		return err
	}
	// Carol's client talks to account A's S3 endpoint.
	carol := s3.NewFromConfig(cfg, func(o *s3.Options) { o.BaseEndpoint = aws.String(owner.Endpoints().S3) })
	try := func(step string) error {
		res, err := carol.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			var ae smithy.APIError
			if !errors.As(err, &ae) {
				return err
			}
			fmt.Fprintf(out, "%-44s carol reads s3://%s/%s: %s\n", step+":", bucket, key, ae.ErrorCode())
			return nil
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%-44s carol reads s3://%s/%s: %q\n", step+":", bucket, key, b)
		return nil
	}
	if err := try("no policy"); err != nil {
		return err
	}

	// Account A's bucket policy names carol's ARN in account B.
	carolARN := other.UserARN(user)
	bucketPolicy := `{"Version":"2012-10-17","Statement":[{"Sid":"ShareWithCarol","Effect":"Allow",` +
		`"Principal":{"AWS":"` + carolARN.String() + `"},"Action":"s3:GetObject","Resource":"arn:` + owner.Partition() + `:s3:::` + bucket + `/*"}]}`
	if _, err := ownerS3.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(bucketPolicy)}); err != nil {
		return err
	}
	if err := try("A's bucket policy allows carol"); err != nil {
		return err
	}

	// Account B allows carol to use the bucket: now both sides allow.
	identityPolicy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:` +
		owner.Partition() + `:s3:::` + bucket + `/*"}]}`
	if _, err := otherIAM.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("read-reports"),
		PolicyDocument: aws.String(identityPolicy)}); err != nil {
		return err
	}
	return try("and B's policy for carol allows it too")
}
