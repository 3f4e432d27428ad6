package provider

import (
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Schema pieces that several resources, data sources and ephemeral
// resources repeat. The framework has one attribute type per kind of
// schema, so what is shared is the validators and the wording.

var (
	// instanceNamePattern: the name is a path segment on every route, and a
	// slash would also make the import ID ambiguous. An empty name is
	// notBlank's to report, once.
	instanceNamePattern = regexp.MustCompile(`^[^/]*$`)
	// numberPattern: the server wants digits first (`+55…` is refused); we
	// ask for only digits so a typo fails at plan, not at apply.
	numberPattern = regexp.MustCompile(`^[0-9]{6,20}$`)
)

// The server's database columns, in characters (PostgreSQL VarChar): a
// longer value is refused at apply, or worse, half applied.
const (
	maxNameLen       = 255
	maxMsgCallLen    = 100
	maxWebhookURLLen = 500
)

// instanceNameValidators check an attribute that names an instance.
func instanceNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.UTF8LengthAtMost(maxNameLen),
		stringvalidator.RegexMatches(instanceNamePattern, "must not contain a slash (/)"),
		notBlank(),
	}
}

// numberValidators check a phone number as the server wants it.
func numberValidators() []validator.String {
	return []validator.String{
		stringvalidator.RegexMatches(numberPattern, "must be 6 to 20 digits, country code first, without + or spaces (for example 5511999999999)"),
	}
}

// statusDescription describes an instance's connection state.
const statusDescription = "The connection state as the server reports it: `created` (older servers), `close`, " +
	"`connecting` or `open` (a phone is paired)."
