package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/mdp/qrterminal/v3"
	"rsc.io/qr"
)

var _ function.Function = qrTextFunction{}

// NewQRTextFunction returns provider::l2msg::qr_text.
func NewQRTextFunction() function.Function { return qrTextFunction{} }

type qrTextFunction struct{}

// qrLevel: the lowest error correction keeps a WhatsApp code (about 240
// characters) small enough for a terminal; a screen has no smudges to
// correct.
const qrLevel = qr.L

func (qrTextFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "qr_text"
}

func (qrTextFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Draws a QR code as text that a phone can scan from a terminal.",
		MarkdownDescription: "Encodes `code` (for example the `code` of the `l2msg_instance_connect` ephemeral resource, or " +
			"`qrcode_code` of `l2msg_instance`) as a QR code and draws it with Unicode block characters, two rows of " +
			"modules per line, with the quiet zone around it and no colour codes. The blocks are the light modules, " +
			"so it reads as a normal QR code on a terminal with a dark background (light text); on a light " +
			"background it shows inverted, which not every scanner reads. The result ends with a newline. A sensitive argument gives a " +
			"sensitive result: wrap it in `nonsensitive()` only where you mean to show it.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:        "code",
				Description: "The text to encode, at most about 2,900 bytes.",
			},
		},
		Return: function.StringReturn{},
	}
}

func (qrTextFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var code string
	resp.Error = req.Arguments.Get(ctx, &code)
	if resp.Error != nil {
		return
	}
	text, err := qrText(code)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = resp.Result.Set(ctx, text)
}

// qrText renders code with half blocks: a full block is two light modules,
// a space two dark ones.
func qrText(code string) (string, error) {
	if code == "" {
		return "", fmt.Errorf("qr_text: code must not be empty")
	}
	// qrterminal ignores encoding errors and would draw nothing; check first
	// so the error says why.
	if _, err := qr.Encode(code, qrLevel); err != nil {
		return "", fmt.Errorf("qr_text: cannot encode %d bytes as a QR code: %w", len(code), err)
	}
	var sb strings.Builder
	qrterminal.GenerateWithConfig(code, qrterminal.Config{
		Level:          qrLevel,
		Writer:         &sb,
		HalfBlocks:     true,
		BlackChar:      qrterminal.BLACK_BLACK,
		BlackWhiteChar: qrterminal.BLACK_WHITE,
		WhiteChar:      qrterminal.WHITE_WHITE,
		WhiteBlackChar: qrterminal.WHITE_BLACK,
		QuietZone:      qrterminal.QUIET_ZONE,
	})
	return sb.String(), nil
}
