-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "phoneRegion" TEXT NOT NULL DEFAULT 'NL';

