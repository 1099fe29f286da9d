//go:build ignore

// Command gen converts Natural Earth's country boundaries, as the npm
// package world-atlas ships them (TopoJSON, ISO 3166 numeric ids), into
// internal/atlas/world.json: each country's outline projected (Equal
// Earth) and simplified (Douglas-Peucker on each shared arc, so that
// neighbours keep a common border), as SVG path data keyed by ISO 3166
// alpha-3 code, with the countries it shares a border with. See
// internal/atlas/README.md for how to run it; nothing runs it at publish
// time.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

type topology struct {
	Arcs      [][][2]float64 `json:"arcs"`
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string          `json:"type"`
			ID         string          `json:"id"`
			Arcs       json.RawMessage `json:"arcs"`
			Properties struct {
				Name string `json:"name"`
			} `json:"properties"`
		} `json:"geometries"`
	} `json:"objects"`
}

// Output is the file's layout; internal/atlas reads it.
type output struct {
	Source     string    `json:"source"`
	Width      int       `json:"width"`
	Height     int       `json:"height"`
	Countries  []country `json:"countries"`
	Unassigned []country `json:"unassigned"`
}

type country struct {
	ISO3       string   `json:"iso3,omitempty"`
	Name       string   `json:"name"`
	D          string   `json:"d"`
	Neighbours []string `json:"neighbours,omitempty"`
}

const width = 960.0

func main() {
	topo := flag.String("topo", "countries-50m.json", "world-atlas TopoJSON file")
	codes := flag.String("codes", "codes.json", "ISO 3166 codes: [[alpha2, alpha3, numeric, ...], ...] (i18n-iso-countries' codes.json)")
	out := flag.String("out", "world.json", "output file")
	tol := flag.Float64("tolerance", 0.6, "simplification tolerance, in output pixels")
	flag.Parse()
	if err := run(*topo, *codes, *out, *tol); err != nil {
		log.Fatal(err)
	}
}

func run(topoPath, codesPath, outPath string, tol float64) error {
	var t topology
	if err := readJSON(topoPath, &t); err != nil {
		return err
	}
	var rows [][]string
	if err := readJSON(codesPath, &rows); err != nil {
		return err
	}
	alpha3 := map[string]string{}
	for _, r := range rows {
		if len(r) >= 3 {
			alpha3[r[2]] = r[1]
		}
	}
	// Natural Earth's features without an ISO number.
	byName := map[string]string{"Kosovo": "XKX"}

	// Decode the arcs (delta-encoded, quantized) to degrees, project them.
	arcs := make([][][2]float64, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		pts := make([][2]float64, len(a))
		for j, p := range a {
			if t.Transform != nil {
				x, y = x+p[0], y+p[1]
				pts[j] = [2]float64{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
			} else {
				pts[j] = p
			}
		}
		arcs[i] = pts
	}
	// Equal Earth, scaled so that the world (±180°) is width wide.
	maxX, _ := equalEarth(180, 0)
	_, maxY := equalEarth(0, 90)
	scale := width / (2 * maxX)
	height := math.Ceil(2 * maxY * scale)
	proj := func(p [2]float64) [2]float64 {
		x, y := equalEarth(p[0], p[1])
		return [2]float64{(x + maxX) * scale, (maxY - y) * scale}
	}
	simple := make([][][2]float64, len(arcs))
	for i, a := range arcs {
		pp := make([][2]float64, len(a))
		for j, p := range a {
			pp[j] = proj(p)
		}
		// Simplified in the projection, kept in degrees: rings that cross
		// the antimeridian are cut there before they are projected.
		for _, k := range douglasPeucker(pp, tol) {
			simple[i] = append(simple[i], a[k])
		}
	}

	geoms := t.Objects["countries"].Geometries
	o := output{Source: "Natural Earth 1:50m Admin 0 countries, v4.1.0, via world-atlas 2 (public domain)", Width: int(width), Height: int(height)}
	owner := map[int][]int{} // arc -> geometries using it
	codeOf := make([]string, len(geoms))
	// Natural Earth draws some countries in several features (Australia
	// and its Ashmore and Cartier Islands): one outline per code.
	type accum struct {
		name   string
		d      strings.Builder
		sx, sy float64
		n      int
	}
	acc := map[string]*accum{}
	var order []string
	for gi, g := range geoms {
		code := alpha3[g.ID]
		if code == "" {
			code = byName[g.Properties.Name]
		}
		if code == "ATA" { // no data is about Antarctica; it would take a sixth of the map
			continue
		}
		codeOf[gi] = code
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return err
			}
			polys = [][][]int{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return err
			}
		default:
			continue
		}
		var d strings.Builder
		var sx, sy float64
		var np int
		for _, poly := range polys {
			for _, ring := range poly {
				var pts [][2]float64
				for _, ai := range ring {
					idx := ai
					if ai < 0 {
						idx = ^ai
					}
					owner[idx] = append(owner[idx], gi)
					a := simple[idx]
					if ai < 0 {
						a = slices.Clone(a)
						slices.Reverse(a)
					}
					if len(pts) > 0 {
						a = a[1:]
					}
					pts = append(pts, a...)
				}
				for _, part := range cutAntimeridian(pts) {
					pp := make([][2]float64, len(part))
					for k, p := range part {
						pp[k] = proj(p)
						sx, sy, np = sx+pp[k][0], sy+pp[k][1], np+1
					}
					writeRing(&d, dedupe(pp))
				}
			}
		}
		key := code
		if key == "" {
			key = "?" + g.Properties.Name
		}
		a := acc[key]
		if a == nil {
			a = &accum{name: g.Properties.Name}
			acc[key] = a
			order = append(order, key)
		}
		a.d.WriteString(d.String())
		a.sx, a.sy, a.n = a.sx+sx, a.sy+sy, a.n+np
	}
	var list []country
	for _, key := range order {
		a := acc[key]
		d := a.d.String()
		if d == "" && a.n > 0 {
			// Too small to draw at this scale (San Marino, the Vatican):
			// a dot where it is, so that it can still be coloured.
			x, y := a.sx/float64(a.n), a.sy/float64(a.n)
			d = "M" + num(x-1.5) + " " + num(y) + "a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0Z"
		}
		if d == "" {
			continue
		}
		code := key
		if strings.HasPrefix(key, "?") {
			code = ""
		}
		list = append(list, country{ISO3: code, Name: a.name, D: d})
	}
	// Neighbours: two countries that use one arc share a border.
	nb := map[string]map[string]bool{}
	for _, gs := range owner {
		for _, a := range gs {
			for _, b := range gs {
				ca, cb := codeOf[a], codeOf[b]
				if ca == "" || cb == "" || ca == cb {
					continue
				}
				if nb[ca] == nil {
					nb[ca] = map[string]bool{}
				}
				nb[ca][cb] = true
			}
		}
	}
	for _, c := range list {
		if c.ISO3 == "" {
			o.Unassigned = append(o.Unassigned, c)
			continue
		}
		for n := range nb[c.ISO3] {
			c.Neighbours = append(c.Neighbours, n)
		}
		slices.Sort(c.Neighbours)
		o.Countries = append(o.Countries, c)
	}
	slices.SortFunc(o.Countries, func(a, b country) int { return strings.Compare(a.ISO3, b.ISO3) })
	b, err := json.MarshalIndent(o, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(outPath, append(b, '\n'), 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// equalEarth projects longitude and latitude in degrees (Šavrič, Patterson
// and Jenny 2018).
func equalEarth(lon, lat float64) (float64, float64) {
	const a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
	l, p := lon*math.Pi/180, lat*math.Pi/180
	th := math.Asin(math.Sqrt(3) / 2 * math.Sin(p))
	t2 := th * th
	t6 := t2 * t2 * t2
	x := 2 * math.Sqrt(3) * l * math.Cos(th) / (3 * (a1 + 3*a2*t2 + t6*(7*a3+9*a4*t2)))
	y := th * (a1 + a2*t2 + t6*(a3+a4*t2))
	return x, y
}

// douglasPeucker simplifies a polyline, keeping its ends.
func douglasPeucker(pts [][2]float64, tol float64) []int {
	if len(pts) < 3 {
		out := make([]int, len(pts))
		for k := range out {
			out[k] = k
		}
		return out
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var rec func(i, j int)
	rec = func(i, j int) {
		best, at := 0.0, -1
		for k := i + 1; k < j; k++ {
			if d := segDist(pts[k], pts[i], pts[j]); d > best {
				best, at = d, k
			}
		}
		if at >= 0 && best > tol {
			keep[at] = true
			rec(i, at)
			rec(at, j)
		}
	}
	rec(0, len(pts)-1)
	var out []int
	for k := range pts {
		if keep[k] {
			out = append(out, k)
		}
	}
	return out
}

// writeRing writes a closed ring as SVG path data.
func writeRing(d *strings.Builder, ring [][2]float64) {
	if len(ring) < 3 {
		return
	}
	for k, p := range ring {
		if k == 0 {
			d.WriteString("M")
		} else {
			d.WriteString("L")
		}
		d.WriteString(num(p[0]) + " " + num(p[1]))
	}
	d.WriteString("Z")
}

// cutAntimeridian returns a ring (degrees) as it lies on the map: itself,
// or, when it crosses the 180th meridian (Russia's Chukotka, Fiji), the
// parts on either side, each closed along the meridian.
func cutAntimeridian(ring [][2]float64) [][][2]float64 {
	if len(ring) == 0 {
		return nil
	}
	u := make([][2]float64, len(ring))
	u[0] = ring[0]
	lo, hi := ring[0][0], ring[0][0]
	for k := 1; k < len(ring); k++ {
		lon := ring[k][0]
		for lon-u[k-1][0] > 180 {
			lon -= 360
		}
		for lon-u[k-1][0] < -180 {
			lon += 360
		}
		u[k] = [2]float64{lon, ring[k][1]}
		lo, hi = min(lo, lon), max(hi, lon)
	}
	switch {
	case hi > 180:
		return [][][2]float64{clipLon(u, 180, false, 0), clipLon(u, 180, true, -360)}
	case lo < -180:
		return [][][2]float64{clipLon(u, -180, true, 0), clipLon(u, -180, false, 360)}
	}
	return [][][2]float64{u}
}

// clipLon keeps the part of a ring east (east) or west of the meridian at,
// shifted by shift degrees (Sutherland-Hodgman against one line).
func clipLon(ring [][2]float64, at float64, east bool, shift float64) [][2]float64 {
	in := func(p [2]float64) bool { return (p[0] >= at) == east || p[0] == at }
	var out [][2]float64
	for k := range ring {
		cur, prev := ring[k], ring[(k+len(ring)-1)%len(ring)]
		if in(cur) != in(prev) {
			t := (at - prev[0]) / (cur[0] - prev[0])
			out = append(out, [2]float64{at + shift, prev[1] + t*(cur[1]-prev[1])})
		}
		if in(cur) {
			out = append(out, [2]float64{cur[0] + shift, cur[1]})
		}
	}
	return out
}

func segDist(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	if dx == 0 && dy == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := ((p[0]-a[0])*dx + (p[1]-a[1])*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

// dedupe drops points that round to the one before.
func dedupe(pts [][2]float64) [][2]float64 {
	var out [][2]float64
	last := ""
	for _, p := range pts {
		k := num(p[0]) + " " + num(p[1])
		if k == last {
			continue
		}
		last = k
		out = append(out, p)
	}
	return out
}

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
