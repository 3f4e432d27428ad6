terraform {
  required_version = ">= 1.5"

  required_providers {
    l2msg = {
      source  = "l2msg/l2msg"
      version = ">= 0.1.0"
    }
  }
}
