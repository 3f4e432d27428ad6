package client

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// CreateInstance sends one create. Integration is always sent: v2 servers
// reject a create without it. A 2xx answer that does not describe the
// instance (empty, null, no instance id) is an *AmbiguousError: the server
// says it did something, but not what. Most callers want CreateOrAdopt.
func (c *Client) CreateInstance(ctx context.Context, req CreateRequest) (*CreateResult, error) {
	body := createBody{
		InstanceName: req.InstanceName,
		Integration:  req.Integration,
		Token:        req.Token,
		QRCode:       req.QRCode,
		Number:       req.Number,
		settingsBody: newSettingsBody(req.Settings),
	}
	if body.Integration == "" {
		body.Integration = IntegrationBaileys
	}
	if req.Webhook != nil {
		wb := newWebhookBody(*req.Webhook)
		wb.Enabled = true
		body.Webhook = &wb
	}
	const path = "/instance/create"
	var ans wireCreateAnswer
	isNull, err := c.do(ctx, call{method: http.MethodPost, path: path, instance: req.InstanceName, in: body, out: &ans})
	if err != nil {
		return nil, err
	}
	if isNull || ans.Instance.InstanceID == "" {
		return nil, &AmbiguousError{Err: fmt.Errorf("POST %s: the server answered success without the instance's id", path)}
	}
	res := &CreateResult{
		Instance: Instance{
			Name:        ans.Instance.InstanceName,
			ID:          ans.Instance.InstanceID,
			Integration: integrationName(ans.Instance.Integration),
			Status:      ans.Instance.Status,
			Number:      req.Number,
		},
		APIKey:   ans.apiKey(),
		Settings: ans.Settings.settings(),
		QRCode:   ans.QRCode.qrcode(),
	}
	if res.Instance.Name == "" {
		res.Instance.Name = req.InstanceName
	}
	if res.Instance.Integration == "" {
		res.Instance.Integration = body.Integration
	}
	if res.APIKey == "" {
		res.APIKey = req.Token
	}
	res.Instance.Token = res.APIKey
	return res, nil
}

// The server frees a deleted instance's name a moment after it stops
// listing the instance (up to 0.27 s measured), and answers a create of the
// name 403 "already in use" meanwhile. A create of a name this client saw
// deleted retries that 403 for at most nameFreeWait, from nameFreePoll
// doubling up to a second between tries.
const (
	nameFreeWait = 5 * time.Second
	nameFreePoll = 100 * time.Millisecond
)

// tokenBytes is the entropy of a generated instance key: 192 bits, so that
// nobody else can hold it by chance or guess.
const tokenBytes = 24

// newToken returns a random instance key: upper-case hex, like the
// server's own keys are upper-case.
func newToken() string {
	b := make([]byte, tokenBytes)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return fmt.Sprintf("%X", b)
}

// CreateOrAdopt creates the instance without ever making two, losing one,
// or taking someone else's (createOrAdopt).
//
// A create is not safe to repeat, so every create carries a key (req.Token,
// or a random one when it is empty) that makes the instance recognisably
// ours. When an attempt fails in a way that leaves the outcome unknown (a
// 5xx, a dropped connection, a timeout, a success answer without the
// instance), or a later attempt finds the name taken, the name is looked
// up: an instance that answers to our key is the earlier attempt's, and is
// adopted (CreateResult.Adopted); one that does not belongs to someone
// else, and is a *NameTakenError with DuringRetry. Not found, the create is
// sent again, at most the client's max retries times, then a
// *NotCreatedError. A name taken at the first attempt is a *NameTakenError:
// the server's 403 is authoritative, so the name is not checked beforehand.
// A look-up that fails too is an *UnresolvedCreateError.
func (c *Client) CreateOrAdopt(ctx context.Context, req CreateRequest) (*CreateResult, error) {
	if req.Token == "" {
		req.Token = newToken()
	}
	name := req.InstanceName
	// A replacement re-creates the name its Delete may have handed off
	// before the server was seen finishing (see DeleteAndConfirm).
	if err := c.awaitPendingDelete(ctx, name); err != nil {
		return nil, err
	}
	create := func(ctx context.Context, attempt int) (*CreateResult, error) {
		res, err := c.CreateInstance(ctx, req)
		if IsForbidden(err) && attempt == 0 && c.deletions.sawDeleted(name) {
			res, err = c.createFreedName(ctx, req, err)
		}
		switch {
		case err == nil:
			c.deletions.created(name)
		case IsForbidden(err) && attempt == 0:
			return nil, &NameTakenError{Name: name, Deleted: c.deletions.sawDeleted(name), Err: err}
		case IsForbidden(err):
			// Taken since our earlier attempt: by it, or by someone else.
			return nil, &AmbiguousError{Err: err}
		}
		return res, err
	}
	find := func(ctx context.Context, createErr error) (*CreateResult, bool, error) {
		inst, err := c.FetchInstance(ctx, name)
		switch {
		case IsNotFound(err):
			return nil, false, nil
		case err != nil:
			return nil, false, err
		}
		ours, err := c.answersTo(ctx, inst, req.Token)
		switch {
		case err != nil:
			return nil, false, err
		case !ours:
			return nil, false, &NameTakenError{Name: name, DuringRetry: true, Err: createErr}
		}
		c.deletions.created(name)
		return adopted(inst, req.Token), true, nil
	}
	res, _, err := createOrAdopt(ctx, c, "instance", map[string]any{"instance_name": name}, create, find)
	return res, err
}

// createFreedName sends the create of a name again, while the server
// refuses it as taken, for at most c.nameFreeWait: this client saw the
// instance of that name deleted, and the server frees the name a moment
// after it stops listing the instance. A 403 cannot have created anything,
// so the create may be repeated. err is the first attempt's 403; the result
// is the last attempt's.
func (c *Client) createFreedName(ctx context.Context, req CreateRequest, err error) (*CreateResult, error) {
	deadline := time.Now().Add(c.nameFreeWait)
	wait := nameFreePoll
	for IsForbidden(err) {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, err
		}
		c.logf(ctx, LogDebug, "the server still holds the name of the l2msg instance deleted moments ago; creating it again shortly",
			map[string]any{"instance_name": req.InstanceName})
		t := time.NewTimer(min(wait, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, errors.Join(err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, time.Second)
		var res *CreateResult
		if res, err = c.CreateInstance(ctx, req); err == nil {
			return res, nil
		}
	}
	return nil, err
}

// answersTo reports whether inst's key is token: from the listing when it
// shows keys, else by asking the instance's state with token as the key,
// which the server only answers for the instance's own key (or the global
// one, which no create is given).
func (c *Client) answersTo(ctx context.Context, inst *Instance, token string) (bool, error) {
	if inst.Token != "" {
		return subtle.ConstantTimeCompare([]byte(inst.Token), []byte(token)) == 1, nil
	}
	path := pathFor("/instance/connectionState", inst.Name)
	_, err := c.do(ctx, call{method: http.MethodGet, path: path, instance: inst.Name, key: token})
	switch {
	case err == nil:
		return true, nil
	case IsUnauthorized(err) || IsForbidden(err):
		return false, nil
	}
	return false, err
}

// adopted is the result of a create whose answer was lost: what the
// listing says, with the key we created it with. The pairing challenge was
// in the lost answer: the connect route gives a fresh one.
func adopted(inst *Instance, token string) *CreateResult {
	inst.Token = token
	return &CreateResult{Instance: *inst, APIKey: token, Settings: inst.Settings, Adopted: true}
}
