package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/l2msg/terraform-provider-l2msg/internal/client"
)

// addAPIError turns a client error into a diagnostic that names the action
// and the instance (none for a call about every instance) and, for the
// errors users can fix, says how. Client errors never carry the API key.
func addAPIError(diags *diag.Diagnostics, action, name string, err error) {
	summary := fmt.Sprintf("Could not %s instance %q", action, name)
	if name == "" {
		summary = fmt.Sprintf("Could not %s the instances", action)
	}
	diags.AddError(summary, err.Error()+apiErrorHint(action, name, err))
}

// apiErrorHint is what a user can do about err, as a paragraph to append;
// empty when there is nothing to add.
func apiErrorHint(action, name string, err error) string {
	var apiErr *client.APIError
	if !errors.As(err, &apiErr) {
		return ""
	}
	switch {
	case client.IsUnauthorized(err):
		return "\n\nThe server refused the API key: check api_key or the L2MSG_API_KEY environment variable."
	case client.IsForbidden(err) && action == "create":
		return "\n\n" + nameTakenAdvice(name)
	}
	return ""
}

func diagSummary(d diag.Diagnostics) string {
	var parts []string
	for _, e := range d.Errors() {
		parts = append(parts, e.Summary()+": "+e.Detail())
	}
	return strings.Join(parts, "; ")
}
