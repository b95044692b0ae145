# LocalStack init hook (ready.d): creates the pipeline's S3 bucket and every DynamoDB table of
# tables.json, the project's one table definition (the embedded default's dynalite bootstrap and
# the CDK read the same file), so that the compose services find their storage as soon as
# LocalStack reports healthy.
#
# LocalStack runs a ready.d Python hook with exec() in its own interpreter, which has boto3, and
# sets neither __name__ nor __file__: everything comes from the environment and the work is done at
# the top level. Outside LocalStack it is a plain python3 program (the tests run it so):
#   PIPELINE_TABLES_FILE=localstack/tables.json PIPELINE_S3_ENDPOINT=http://127.0.0.1:4566 \
#   PIPELINE_DYNAMODB_ENDPOINT=http://127.0.0.1:4566 python3 localstack/ready.d/create-bucket-and-tables.py
#
# Environment (defaults fit the LocalStack container of docker-compose.yml):
#   PIPELINE_TABLES_FILE        tables.json as mounted      /etc/localstack/pipeline/tables.json
#   PIPELINE_BUCKET             the chunks bucket           pipeline-chunks (the server's s3.bucket)
#   PIPELINE_S3_ENDPOINT        S3 to create it in          http://localhost:4566
#   PIPELINE_DYNAMODB_ENDPOINT  DynamoDB for the tables     http://localhost:4566
#   AWS_DEFAULT_REGION          region of both              us-east-1 (the server's aws.region)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY                test / test (LocalStack's own)
#
# Running it again changes nothing: what exists is kept (and checked for the indexes it must have).

import json
import os
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def pipeline_storage():
    tables_file = os.environ.get("PIPELINE_TABLES_FILE", "/etc/localstack/pipeline/tables.json")
    bucket = os.environ.get("PIPELINE_BUCKET", "pipeline-chunks")
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    session = boto3.session.Session(
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
        region_name=region)
    # Path-style, as the server's SDK and the emulators use; retries and a long read timeout ride
    # out a busy emulator (LocalStack may install DynamoDB Local on its first table).
    config = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10, "mode": "standard"},
                    connect_timeout=10, read_timeout=180)
    s3 = session.client("s3", endpoint_url=os.environ.get("PIPELINE_S3_ENDPOINT", "http://localhost:4566"), config=config)
    dynamodb = session.client("dynamodb", endpoint_url=os.environ.get("PIPELINE_DYNAMODB_ENDPOINT", "http://localhost:4566"),
                              config=config)

    with open(tables_file, encoding="utf-8") as definitions:
        tables = json.load(definitions)
    create_bucket(s3, bucket, region)
    for table in tables:
        create_table(dynamodb, table)
    print("pipeline: storage ready: bucket %s, tables %s" % (bucket, ", ".join(t["TableName"] for t in tables)), flush=True)


def create_bucket(s3, bucket, region):
    arguments = {"Bucket": bucket}
    if region != "us-east-1":
        # us-east-1 is the one region that refuses a location constraint naming itself.
        arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
    try:
        s3.create_bucket(**arguments)
        print("pipeline: bucket %s created" % bucket, flush=True)
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
        print("pipeline: bucket %s exists" % bucket, flush=True)


def create_table(dynamodb, table):
    name = table["TableName"]
    try:
        dynamodb.create_table(**table)
        print("pipeline: table %s created" % name, flush=True)
    except ClientError as error:
        if error.response["Error"]["Code"] != "ResourceInUseException":
            raise
        print("pipeline: table %s exists" % name, flush=True)
    wanted = sorted(index["IndexName"] for index in table.get("GlobalSecondaryIndexes", []))
    deadline = time.monotonic() + 120
    while True:
        description = dynamodb.describe_table(TableName=name)["Table"]
        indexes = description.get("GlobalSecondaryIndexes", [])
        missing = sorted(set(wanted) - set(index["IndexName"] for index in indexes))
        if missing:
            # A table made from an older definition: say so rather than let the server fail on a query.
            raise RuntimeError("table %s exists without the index(es) %s that tables.json defines; delete it"
                               " (or LocalStack's state) to have it created afresh" % (name, ", ".join(missing)))
        if description["TableStatus"] == "ACTIVE" and all(index["IndexStatus"] == "ACTIVE" for index in indexes):
            return
        if time.monotonic() > deadline:
            raise RuntimeError("table %s is not ACTIVE after 120 s (status %s)" % (name, description["TableStatus"]))
        time.sleep(0.2)


pipeline_storage()
