package emulator

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"time"
)

// qrCode is what Evolution's instance.qrCode getter returns.
type qrCode struct {
	pairingCode *string
	code        string
	base64      string
	count       int
}

type qrJSON struct {
	PairingCode *string `json:"pairingCode"`
	Code        string  `json:"code"`
	Base64      string  `json:"base64"`
	Count       int     `json:"count"`
}

func (q *qrCode) json() qrJSON {
	return qrJSON{PairingCode: q.pairingCode, Code: q.code, Base64: q.base64, Count: q.count}
}

// newQR makes a Baileys-looking QR: a "2@…" code, a PNG data URI, and a
// pairing code when the caller gave a phone number.
func newQR(number string) *qrCode {
	code := "2@" + base64.StdEncoding.EncodeToString(randomBytes(48)) + "," +
		base64.StdEncoding.EncodeToString(randomBytes(32)) + "," +
		base64.StdEncoding.EncodeToString(randomBytes(32)) + "," +
		base64.StdEncoding.EncodeToString(randomBytes(32))
	q := &qrCode{code: code, base64: pngDataURI(code), count: 1}
	if number != "" {
		q.pairingCode = ptr(pairingCode())
	}
	return q
}

// pngDataURI draws a small QR-looking picture derived from code. It is not a
// scannable QR code; clients only need a valid PNG data URI.
func pngDataURI(code string) string {
	const modules, scale = 25, 4
	img := image.NewGray(image.Rect(0, 0, modules*scale, modules*scale))
	bits := sha256.Sum256([]byte(code))
	stream := bits[:]
	for y := range modules {
		for x := range modules {
			i := y*modules + x
			if i/8 >= len(stream) {
				next := sha256.Sum256(stream)
				stream = append(stream, next[:]...)
			}
			dark := stream[i/8]&(1<<(i%8)) != 0 || finder(x, y, modules)
			c := color.Gray{Y: 255}
			if dark {
				c = color.Gray{Y: 0}
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray(x*scale+dx, y*scale+dy, c)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("emulator: encoding PNG: " + err.Error())
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
}

// finder paints the three corner squares that make the picture read as a QR.
func finder(x, y, n int) bool {
	in := func(ox, oy int) bool {
		dx, dy := x-ox, y-oy
		if dx < 0 || dy < 0 || dx > 6 || dy > 6 {
			return false
		}
		ring := dx == 0 || dy == 0 || dx == 6 || dy == 6
		core := dx >= 2 && dx <= 4 && dy >= 2 && dy <= 4
		return ring || core
	}
	return in(0, 0) || in(n-7, 0) || in(0, n-7)
}

// pairingCode uses the alphabet of Baileys' pairing codes.
func pairingCode() string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ"
	b := randomBytes(8)
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// newUUID returns a random (version 4) UUID in lower case, like uuid.v4().
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// newCUID returns an id shaped like Prisma's cuid() defaults ("c" + 24 chars).
func newCUID() string {
	const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
	var sb strings.Builder
	sb.WriteByte('c')
	for _, c := range randomBytes(24) {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

// fakeNumber gives a paired instance without a number a stable phone number.
func fakeNumber(id string) string {
	sum := sha256.Sum256([]byte(id))
	return fmt.Sprintf("55119%08d", int(sum[0])<<16|int(sum[1])<<8|int(sum[2]))
}

// profilePicURL is shaped like the WhatsApp CDN links Evolution stores.
func profilePicURL(number string) string {
	sum := sha256.Sum256([]byte(number))
	return "https://pps.whatsapp.net/v/t61.24694-24/" + hex.EncodeToString(sum[:8]) + "_n.jpg"
}

// isoTime formats like JavaScript's Date.toISOString, which Prisma rows use.
func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
