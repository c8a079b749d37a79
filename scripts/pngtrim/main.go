// Command pngtrim cuts the white margin off a PNG, leaving a small border, and shrinks it
// to a maximum width, so the pictures in docs/images stay small. scripts/screenshots.sh
// uses it; it is not part of partnermap.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"sort"
)

func main() {
	in := flag.String("in", "", "PNG to read")
	out := flag.String("out", "", "PNG to write")
	border := flag.Int("border", 12, "white pixels to keep around the content")
	maxWidth := flag.Int("max-width", 1400, "shrink wider pictures to this width")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: pngtrim -in page.png -out picture.png")
		os.Exit(2)
	}
	if err := run(*in, *out, *border, *maxWidth); err != nil {
		fmt.Fprintln(os.Stderr, "pngtrim:", err)
		os.Exit(1)
	}
}

func run(in, out string, border, maxWidth int) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return fmt.Errorf("decode %s: %w", in, err)
	}
	content := contentBounds(src).Inset(-border).Intersect(src.Bounds())
	if content.Empty() {
		return fmt.Errorf("%s is blank", in)
	}
	var img image.Image = crop(src, content)
	if img.Bounds().Dx() > maxWidth {
		img = shrink(img, maxWidth)
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(o, paletted(img)); err != nil {
		o.Close()
		return fmt.Errorf("encode %s: %w", out, err)
	}
	return o.Close()
}

// contentBounds is the smallest rectangle holding every pixel that is not near-white.
func contentBounds(img image.Image) image.Rectangle {
	b := img.Bounds()
	r := image.Rectangle{Min: b.Max, Max: b.Min}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0xF000 || cg < 0xF000 || cb < 0xF000 {
				r.Min.X, r.Min.Y = min(r.Min.X, x), min(r.Min.Y, y)
				r.Max.X, r.Max.Y = max(r.Max.X, x+1), max(r.Max.Y, y+1)
			}
		}
	}
	return r
}

func crop(img image.Image, r image.Rectangle) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(dst, dst.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, r.Min, draw.Over)
	return dst
}

// shrink scales img down to width by averaging the source pixels under each target pixel.
func shrink(img image.Image, width int) *image.RGBA {
	b := img.Bounds()
	height := b.Dy() * width / b.Dx()
	dst := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		y0, y1 := b.Min.Y+y*b.Dy()/height, b.Min.Y+max((y+1)*b.Dy()/height, y*b.Dy()/height+1)
		for x := range width {
			x0, x1 := b.Min.X+x*b.Dx()/width, b.Min.X+max((x+1)*b.Dx()/width, x*b.Dx()/width+1)
			var sr, sg, sb, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					r, g, bl, _ := img.At(sx, sy).RGBA()
					sr, sg, sb, n = sr+uint64(r), sg+uint64(g), sb+uint64(bl), n+1
				}
			}
			dst.Set(x, y, color.RGBA64{R: uint16(sr / n), G: uint16(sg / n), B: uint16(sb / n), A: 0xFFFF})
		}
	}
	return dst
}

// paletted keeps the 256 most common colours of img (a screenshot has few: text, its
// anti-aliasing greys and a handful of fills) and maps every pixel to the nearest, which
// makes the file a third of the size with no visible change.
func paletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	colors := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		colors = append(colors, c)
	}
	sort.Slice(colors, func(i, j int) bool {
		if counts[colors[i]] != counts[colors[j]] {
			return counts[colors[i]] > counts[colors[j]]
		}
		a, c := colors[i], colors[j]
		return uint32(a.R)<<16|uint32(a.G)<<8|uint32(a.B) < uint32(c.R)<<16|uint32(c.G)<<8|uint32(c.B)
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range colors[:min(256, len(colors))] {
		pal = append(pal, c)
	}
	dst := image.NewPaletted(b, pal)
	draw.Draw(dst, b, img, b.Min, draw.Src)
	return dst
}
