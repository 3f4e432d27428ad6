package provider

import (
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// streamKind is what sets one event stream resource apart from the others;
// the life cycle (stream_resource.go) is shared.
type streamKind struct {
	// name is the server's: the path segment and the resource type's suffix.
	name string
	// title is how documentation and messages call it.
	title string
	// target says where the events go, for the description.
	target string
	// newResource builds the resource with its model: the plain one, or
	// Pusher's, which has the app's credentials.
	newResource func(*streamKind) resource.Resource
}

var streamKinds = []*streamKind{
	{client.StreamWebsocket, "websocket", "the clients connected to the server's websocket (Socket.IO) endpoint", newStreamResource[plainStream]},
	{client.StreamRabbitmq, "RabbitMQ", "the RabbitMQ broker the server is configured with (`RABBITMQ_URI`)", newStreamResource[plainStream]},
	{client.StreamNats, "NATS", "the NATS server the server is configured with (`NATS_URI`)", newStreamResource[plainStream]},
	{client.StreamSqs, "Amazon SQS", "Amazon SQS queues in the AWS account the server is configured with, one FIFO queue per event", newStreamResource[plainStream]},
	{client.StreamKafka, "Kafka", "the Kafka cluster the server is configured with (`KAFKA_BROKERS`)", newStreamResource[plainStream]},
	{client.StreamPusher, "Pusher", "a Pusher Channels app, given by `app_id`, `key`, `secret` and `cluster`", newStreamResource[pusherStream]},
}

// streamResources are the constructors of the six resources.
func streamResources() []func() resource.Resource {
	out := make([]func() resource.Resource, len(streamKinds))
	for i, k := range streamKinds {
		out[i] = func() resource.Resource { return k.newResource(k) }
	}
	return out
}

// listed reports whether refreshes read the stream from the shared
// instance listing rather than its own find route.
func (k *streamKind) listed() bool {
	return slices.Contains([]string{client.StreamWebsocket, client.StreamRabbitmq, client.StreamNats, client.StreamSqs}, k.name)
}
