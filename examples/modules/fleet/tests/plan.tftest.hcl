# Plan-only tests of the fleet module: mock_provider stands in for l2msg, so
# these need no server at all (Terraform 1.7 and later). They check what the
# module plans from its inputs, not what a server does with it: that is
# fleet.tftest.hcl's job.

mock_provider "l2msg" {}

run "defaults_follow_the_resource" {
  command = plan

  variables {
    instances = {
      "plain" = {}
    }
  }

  assert {
    condition     = l2msg_instance.this["plain"].integration == "WHATSAPP-BAILEYS"
    error_message = "An instance without settings must get the resource's default integration."
  }

  assert {
    condition     = l2msg_instance.this["plain"].webhook == null
    error_message = "Without webhook_url there must be no webhook."
  }
}

run "rejects_a_name_with_a_slash" {
  command = plan

  variables {
    instances = {
      "sales/eu" = {}
    }
  }

  expect_failures = [var.instances]
}
