# The Amazon SQS stream is imported by the name of its instance.
terraform import l2msg_instance_sqs.sales sales
