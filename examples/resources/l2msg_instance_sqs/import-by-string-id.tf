# Terraform 1.5 and later: import the Amazon SQS stream of the instance "sales".
import {
  to = l2msg_instance_sqs.sales
  id = "sales"
}
