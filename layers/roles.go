package layers

// Role is what a layer holds; it is recorded in the AnnotationRole
// annotation of the layer's descriptor.
type Role string

// The roles of DESIGN.md §1, in the order layers are stacked.
const (
	RoleFirmware Role = "firmware"
	RoleKernel   Role = "kernel"
	RoleModules  Role = "modules"
	RoleInit     Role = "init"
	RoleExtra    Role = "extra"
	RoleApp      Role = "app"
	RoleConfig   Role = "config"
)

// Layer annotations.
const (
	AnnotationRole = "dev.wisp.role"
	// AnnotationModules lists, on a selected modules layer, the modules
	// asked for (before closure), comma-separated.
	AnnotationModules = "dev.wisp.modules"
	// AnnotationSource is the digest of the layer a layer was derived from.
	AnnotationSource = "dev.wisp.source"
)

// Image config labels.
const (
	LabelKind          = "dev.wisp.kind" // "base" or "appliance"
	LabelBoard         = "dev.wisp.board"
	LabelKernelVersion = "dev.wisp.kernel.version"
	LabelCmdline       = "dev.wisp.cmdline"
	LabelVersion       = "dev.wisp.version"
	LabelBase          = "dev.wisp.base"   // the base used: tag@digest or repository@digest
	LabelBinary        = "dev.wisp.binary" // the binary's source: repository@digest, or file:NAME@sha256:…
	LabelInit          = "dev.wisp.init"   // an init image used instead of the embedded init
)

// Kinds of wisp images (LabelKind).
const (
	KindBase      = "base"
	KindAppliance = "appliance"
	KindInit      = "init" // the images of wisp init push
)
