package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// FetchInstance returns one instance by name. An unknown name is an
// *APIError for which IsNotFound is true.
func (c *Client) FetchInstance(ctx context.Context, name string) (*Instance, error) {
	var list wireInstanceList
	path := "/instance/fetchInstances?instanceName=" + url.QueryEscape(name)
	isNull, err := c.do(ctx, call{method: http.MethodGet, path: path, instance: name, out: &list})
	if err != nil {
		return nil, err
	}
	// The filter is a name match on the server, but be strict: a server
	// that ignores the filter must not make us adopt another instance.
	if !isNull {
		for i := range list {
			if inst := list[i].instance(); inst.Name == name {
				return &inst, nil
			}
		}
	}
	return nil, &APIError{
		StatusCode: http.StatusNotFound, Method: http.MethodGet, Path: path,
		Messages: []string{goneMessages(name)[1]},
		Gone:     true,
	}
}

// FetchInstances returns every instance the key can see.
func (c *Client) FetchInstances(ctx context.Context) ([]Instance, error) {
	var list wireInstanceList
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/instance/fetchInstances", out: &list}); err != nil {
		return nil, err
	}
	return list.instances(), nil
}

// DeleteInstance asks the server to delete an instance. The server removes
// it asynchronously: use WaitForDeletion before treating the name as free.
// Servers older than v2.2.1 refuse to delete a connected instance; then the
// instance is logged out and the delete tried once more.
func (c *Client) DeleteInstance(ctx context.Context, name string) (err error) {
	c.deletions.sending()
	defer func() { c.answered(name, err) }()
	del := call{method: http.MethodDelete, path: pathFor("/instance/delete", name), instance: name}
	_, err = c.do(ctx, del)
	if err == nil || !IsBadRequest(err) || !mentionsDisconnect(err) {
		return err
	}
	if lerr := c.Logout(ctx, name); lerr != nil && !IsBadRequest(lerr) {
		return errors.Join(err, lerr)
	}
	_, err = c.do(ctx, del)
	return err
}

func mentionsDisconnect(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return strings.Contains(strings.ToLower(apiErr.Message()), "disconnect")
}

// Connect starts pairing. Number, when set, asks for a pairing code to type
// on that phone instead of scanning the QR code.
func (c *Client) Connect(ctx context.Context, name, number string) (*ConnectResult, error) {
	path := pathFor("/instance/connect", name)
	if number != "" {
		path += "?number=" + url.QueryEscape(number)
	}
	// A GET that changes the instance's state: the listing no longer holds.
	defer c.listing.invalidate()
	var ans wireConnect
	if _, err := c.do(ctx, call{method: http.MethodGet, path: path, instance: name, out: &ans}); err != nil {
		return nil, err
	}
	res := &ConnectResult{QRCode: ans.qrcode()}
	if ans.Instance != nil {
		res.State = ans.Instance.State
	}
	return res, nil
}

// ConnectionState returns open, close or connecting.
func (c *Client) ConnectionState(ctx context.Context, name string) (string, error) {
	var ans wireState
	if _, err := c.do(ctx, call{method: http.MethodGet, path: pathFor("/instance/connectionState", name), instance: name, out: &ans}); err != nil {
		return "", err
	}
	if ans.Instance == nil {
		return "", fmt.Errorf("connectionState of %q: the answer had no instance state", name)
	}
	return ans.Instance.State, nil
}

// Logout ends the WhatsApp session: the instance stays, closed, and a phone
// must pair again. On an instance that is not connected the server answers
// 400; the error then also matches ErrNotConnected.
func (c *Client) Logout(ctx context.Context, name string) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: pathFor("/instance/logout", name), instance: name})
	if IsBadRequest(err) {
		return fmt.Errorf("%w: %w", ErrNotConnected, err)
	}
	return err
}

// Restart restarts the instance's WhatsApp session. The server answers its
// failures with 200 and {"error":true,"message":…}, so a 200 is checked; on
// an instance that is not connected the message is "[object Object]" (the
// server stringifies its own exception) and the error is ErrNotConnected.
func (c *Client) Restart(ctx context.Context, name string) error {
	path := pathFor("/instance/restart", name)
	var ans wireFailure
	if _, err := c.do(ctx, call{method: http.MethodPost, path: path, instance: name, out: &ans}); err != nil {
		return err
	}
	if !ans.Error {
		return nil
	}
	msg := c.redact(ans.message())
	if msg == "" || msg == "[object Object]" {
		return fmt.Errorf("POST %s: %w (the server answered 200 with {\"error\":true})", path, ErrNotConnected)
	}
	return fmt.Errorf("POST %s: the server answered 200 but reported an error: %s", path, msg)
}

// SetSettings replaces the instance's settings.
func (c *Client) SetSettings(ctx context.Context, name string, s Settings) error {
	_, err := c.do(ctx, call{method: http.MethodPost, path: pathFor("/settings/set", name), instance: name, in: newSettingsBody(s)})
	return err
}

// FindSettings returns the instance's settings, or nil when the server has
// none (it answers the literal null).
func (c *Client) FindSettings(ctx context.Context, name string) (*Settings, error) {
	var ws wireSettings
	isNull, err := c.do(ctx, call{method: http.MethodGet, path: pathFor("/settings/find", name), instance: name, out: &ws})
	if err != nil || isNull {
		return nil, err
	}
	return ws.settings(), nil
}

// SetWebhook writes every field of the webhook. To turn a webhook off, send
// Enabled false with the old URL; the server then stores no events.
func (c *Client) SetWebhook(ctx context.Context, name string, w Webhook) error {
	body := webhookSetBody{Webhook: newWebhookBody(w)}
	_, err := c.do(ctx, call{method: http.MethodPost, path: pathFor("/webhook/set", name), instance: name, in: body})
	return err
}

// FindWebhook returns the instance's webhook, or nil when none was ever set.
func (c *Client) FindWebhook(ctx context.Context, name string) (*Webhook, error) {
	var ww wireWebhook
	isNull, err := c.do(ctx, call{method: http.MethodGet, path: pathFor("/webhook/find", name), instance: name, out: &ww})
	if err != nil || isNull {
		return nil, err
	}
	w, err := ww.webhook()
	if err != nil {
		return nil, fmt.Errorf("webhook/find of %q: %w", name, err)
	}
	return w, nil
}
