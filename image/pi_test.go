package image

import (
	"strings"
	"testing"
)

func TestConfigTxt(t *testing.T) {
	t.Parallel()
	header := "# Written by wisp. Settings: https://www.raspberrypi.com/documentation/computers/config_txt.html\n"
	for _, tc := range []struct {
		name string
		in   PiConfig
		want string
	}{
		{"kernel only", PiConfig{Kernel: "kernel8.img"}, header +
			"arm_64bit=1\nkernel=kernel8.img\nenable_uart=1\n"},
		{"everything", PiConfig{Kernel: "kernel_2712.img", Initramfs: "initrd.img", DeviceTree: "bcm2712-rpi-5-b.dtb", Extra: []string{"dtparam=uart0_console", "  dtoverlay=disable-bt  "}}, header +
			"arm_64bit=1\nkernel=kernel_2712.img\ninitramfs initrd.img followkernel\nenable_uart=1\ndevice_tree=bcm2712-rpi-5-b.dtb\n" +
			"# From the board profile:\ndtparam=uart0_console\ndtoverlay=disable-bt\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConfigTxt(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestConfigTxtRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   PiConfig
		want string
	}{
		{PiConfig{}, "no kernel file"},
		{PiConfig{Kernel: "kernel 8.img"}, `kernel file name "kernel 8.img"`},
		{PiConfig{Kernel: "k", Initramfs: "initrd.img\nkernel=evil"}, "initramfs file name"},
		{PiConfig{Kernel: "k", Extra: []string{"dtoverlay=x\nkernel=evil"}}, "extra line"},
	} {
		if _, err := ConfigTxt(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ConfigTxt(%+v): got %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

func TestCmdlineTxt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"console=ttyAMA0,115200 panic=5", "console=ttyAMA0,115200 panic=5\n"},
		{"  console=serial0,115200\n  quiet\t rdinit=/init \n", "console=serial0,115200 quiet rdinit=/init\n"},
		{"", "\n"},
	} {
		if got := string(CmdlineTxt(tc.in)); got != tc.want {
			t.Errorf("CmdlineTxt(%q): got %q, want %q", tc.in, got, tc.want)
		}
	}
}
