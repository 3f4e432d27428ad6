package provider

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// EnvRequestsPerSecond is read when the provider block leaves
// requests_per_second out.
const EnvRequestsPerSecond = "L2MSG_REQUESTS_PER_SECOND"

func requestsPerSecondAttribute() schema.Float64Attribute {
	return schema.Float64Attribute{
		Description: "The most API requests per second the provider sends, spread evenly, so that a large apply " +
			"with a high -parallelism stays under the server's rate limit instead of collecting 429 answers. " +
			"A number greater than 0, such as 20 or 0.5. Defaults to the `" + EnvRequestsPerSecond + "` environment " +
			"variable, then to no limit.",
		Optional:   true,
		Validators: []validator.Float64{positiveRate()},
	}
}

// requestsPerSecond resolves the limit from the provider block, then the
// environment; 0 means no limit.
func requestsPerSecond(v types.Float64) (float64, diag.Diagnostics) {
	var diags diag.Diagnostics
	p := path.Root("requests_per_second")
	if v.IsUnknown() {
		diags.AddAttributeError(p, "Unknown requests_per_second",
			"The provider cannot be configured with a requests_per_second that is only known after apply. "+
				"Set it to a known value, or leave it out and set the "+EnvRequestsPerSecond+" environment variable.")
		return 0, diags
	}
	if !v.IsNull() {
		return v.ValueFloat64(), diags
	}
	raw, ok := os.LookupEnv(EnvRequestsPerSecond)
	if !ok || strings.TrimSpace(raw) == "" {
		return 0, diags
	}
	rps, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || !validRate(rps) {
		diags.AddAttributeError(p, "Invalid "+EnvRequestsPerSecond,
			fmt.Sprintf("The %s environment variable must be a number greater than 0 (requests per second), got %q. "+
				"Unset it for no limit.", EnvRequestsPerSecond, raw))
		return 0, diags
	}
	return rps, diags
}

func validRate(rps float64) bool { return rps > 0 && !math.IsInf(rps, 0) }

func positiveRate() validator.Float64 { return positiveRateValidator{} }

type positiveRateValidator struct{}

func (positiveRateValidator) Description(context.Context) string { return "must be greater than 0" }

func (v positiveRateValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (positiveRateValidator) ValidateFloat64(_ context.Context, req validator.Float64Request, resp *validator.Float64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if v := req.ConfigValue.ValueFloat64(); !validRate(v) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid requests_per_second",
			fmt.Sprintf("Attribute %s must be a number greater than 0, got %v. Leave it out for no limit.", req.Path, v))
	}
}
