/**
 * Schema 10: the COCO `iscrowd` flag per annotation (a region of many objects, such as a
 * crowd, exported with an RLE segmentation as COCO requires). 0 for every existing row.
 */
export const sql = /* sql */ `
ALTER TABLE annotations ADD COLUMN iscrowd INTEGER NOT NULL DEFAULT 0 CHECK (iscrowd IN (0, 1));
`;
