package site_test

import (
	"fmt"

	"github.com/defence-transparency/publish/internal/site"
)

// The CLI generates the Hugo project, then runs the embedded Hugo with
// these arguments (commands.Execute(site.HugoArgs(dir, out))).
func ExampleHugoArgs() {
	fmt.Println(site.HugoArgs("/var/cache/publish/site", "/srv/www/public"))
	// Output:
	// [--source /var/cache/publish/site --destination /srv/www/public --noBuildLock --cleanDestinationDir --logLevel warn]
}
