# terraform apply -var-file=dev.tfvars (TF_VAR_redis_auth_token from your secret store)
region             = "eu-west-1"
environment        = "dev"
azs                = ["eu-west-1a", "eu-west-1b"]
db_instance_class  = "db.t4g.medium"
redis_node_type    = "cache.t4g.small"
backup_bucket_name = "agent-factory-dev-backups-change-me"

node_groups = {
  platform = {
    instance_types = ["m7i.large"]
    capacity_type  = "SPOT"
    min_size       = 2
    max_size       = 4
    desired_size   = 2
  }
}
