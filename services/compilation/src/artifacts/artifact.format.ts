// The artifact format is a wire contract shared with the workers: it lives in @af/contracts.
export { ARTIFACT_FORMAT, type ArtifactDocument as Artifact, type ArtifactTool, type PromptSegment } from '@af/contracts';
