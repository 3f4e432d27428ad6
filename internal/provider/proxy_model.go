package provider

import (
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

type proxyModel struct {
	ID           types.String `tfsdk:"id"`
	InstanceName types.String `tfsdk:"instance_name"`
	InstanceID   types.String `tfsdk:"instance_id"`
	proxyValues
	Password          types.String   `tfsdk:"password"`
	PasswordWO        types.String   `tfsdk:"password_wo"`
	PasswordWOVersion types.Int64    `tfsdk:"password_wo_version"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
}

// proxy is what the plan asks the server to store.
func (m *proxyModel) proxy(password string) client.Proxy {
	return client.Proxy{
		Enabled:  m.Enabled.ValueBool(),
		Host:     m.Host.ValueString(),
		Port:     strconv.FormatInt(m.Port.ValueInt64(), 10),
		Protocol: m.Protocol.ValueString(),
		Username: m.Username.ValueString(),
		Password: password,
	}
}

// proxyValues are a proxy's attributes as the resource and the data source
// show them.
type proxyValues struct {
	Enabled  types.Bool   `tfsdk:"enabled"`
	Host     types.String `tfsdk:"host"`
	Port     types.Int64  `tfsdk:"port"`
	Protocol types.String `tfsdk:"protocol"`
	Username types.String `tfsdk:"username"`
}

// set maps the server's proxy. The port is text on the server: one that is
// not a number reads as 0, so a plan puts the configured one back.
func (v *proxyValues) set(p client.Proxy) {
	v.Enabled = types.BoolValue(p.Enabled)
	v.Host = types.StringValue(p.Host)
	port, err := strconv.ParseInt(p.Port, 10, 64)
	if err != nil {
		port = 0
	}
	v.Port = types.Int64Value(port)
	v.Protocol = types.StringValue(p.Protocol)
	v.Username = optionalString(p.Username)
}

// setFromServer records the server's proxy. A disabled proxy is stored
// blank, so the configured values are kept while state says disabled too:
// only the switch can drift then.
func (m *proxyModel) setFromServer(p client.Proxy, importing bool) {
	if !p.Enabled && !importing {
		m.Enabled = types.BoolValue(false)
		return
	}
	m.set(p)
	m.Password = secretFromServer(m.Password, m.PasswordWOVersion, p.Password)
}
