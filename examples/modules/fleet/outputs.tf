output "instance_ids" {
  description = "The server's id (a UUID) of each instance, keyed by instance name."
  value       = { for name, instance in l2msg_instance.this : name => instance.instance_id }
}

output "statuses" {
  description = "The connection state of each instance, keyed by instance name."
  value       = { for name, instance in l2msg_instance.this : name => instance.status }
}

output "apikeys" {
  description = "Each instance's own API key, keyed by instance name."
  value       = { for name, instance in l2msg_instance.this : name => instance.apikey }
  sensitive   = true
}
