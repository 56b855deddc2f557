# terraform apply -var-file=prod.tfvars (TF_VAR_redis_auth_token from your secret store)
region             = "eu-west-1"
environment        = "prod"
azs                = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
db_instance_class  = "db.r7g.large"
redis_node_type    = "cache.r7g.large"
backup_bucket_name = "agent-factory-prod-backups-change-me"

node_groups = {
  # 16 services x 3 replicas for the blue color, room for green during a switch (deploy/blue-green).
  platform = {
    instance_types = ["m7i.xlarge"]
    min_size       = 3
    max_size       = 12
    desired_size   = 6
    labels         = { "agent-factory/pool" = "platform" }
  }
  workers = {
    instance_types = ["c7i.xlarge"]
    min_size       = 3
    max_size       = 20
    desired_size   = 3
    labels         = { "agent-factory/pool" = "workers" }
    taints         = [{ key = "agent-factory/pool", value = "workers", effect = "NO_SCHEDULE" }]
  }
}
